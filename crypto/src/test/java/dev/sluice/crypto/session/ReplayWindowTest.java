package dev.sluice.crypto.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    /** The model: accept a counter once, unless it is WINDOW or more below the greatest seen. */
    private static final class Model {
        final BitSet seen = new BitSet();
        long greatest = -1;

        boolean accept(long counter) {
            if (greatest >= 0 && counter <= greatest && greatest - counter >= ReplayWindow.WINDOW) {
                return false;
            }
            if (seen.get((int) counter)) {
                return false;
            }
            seen.set((int) counter);
            greatest = Math.max(greatest, counter);
            return true;
        }
    }

    @Property(tries = 300)
    void shouldAgreeWithABitSetModel(@ForAll long seed) {
        Random random = new Random(seed);
        ReplayWindow window = new ReplayWindow();
        Model model = new Model();
        long base = 0;
        List<Long> history = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long counter;
            switch (random.nextInt(5)) {
                case 0 -> counter = base + random.nextInt(20_000); // jumps ahead
                case 1 ->
                        counter =
                                history.isEmpty() ? 0 : history.get(random.nextInt(history.size()));
                case 2 ->
                        counter =
                                Math.max(0, base - random.nextInt(9000)); // around the window edge
                default -> counter = base + random.nextInt(64);
            }
            base = Math.max(base, counter);
            history.add(counter);
            boolean expected = model.accept(counter);
            assertThat(window.mayAccept(counter)).as("mayAccept %d", counter).isEqualTo(expected);
            assertThat(window.accept(counter)).as("accept %d", counter).isEqualTo(expected);
        }
    }

    @Test
    void shouldRejectCountersAtOrAboveRejectAfterMessages() {
        ReplayWindow window = new ReplayWindow();
        assertThat(window.accept(ReplayWindow.REJECT_AFTER_MESSAGES - 1)).isTrue();
        assertThat(window.accept(ReplayWindow.REJECT_AFTER_MESSAGES)).isFalse();
        assertThat(window.accept(-1L)).isFalse();
    }

    @Test
    void shouldKeepAWindowAsLargeAsTheReferenceImplementations() {
        assertThat(ReplayWindow.WINDOW).isEqualTo(8128);
        ReplayWindow window = new ReplayWindow();
        window.accept(10_000);
        assertThat(window.mayAccept(10_000 - 8127)).isTrue();
        assertThat(window.mayAccept(10_000 - 8128)).isFalse();
    }
}

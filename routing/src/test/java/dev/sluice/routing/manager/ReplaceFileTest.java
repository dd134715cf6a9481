package dev.sluice.routing.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What an interrupted in-place write can leave, against a model of the writer (overwrite from
 * offset 0, then truncate) that dies after a random number of bytes, again and again, in both
 * directions.
 */
class ReplaceFileTest {
    private static final byte[] ORIGINAL =
            "# from DHCP\nnameserver 198.19.0.10\nsearch example.net\n"
                    .getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] OURS =
            ("# written by sluice while connected; the original comes back at disconnect\n"
                            + "nameserver 10.66.0.2\nsearch corp.example example.net\n")
                    .getBytes(StandardCharsets.ISO_8859_1);

    /** The file after writing {@code content} over {@code file}, dying after {@code k} bytes. */
    private static byte[] interrupted(byte[] file, byte[] content, int k) {
        byte[] after = Arrays.copyOf(file, Math.max(file.length, k));
        System.arraycopy(content, 0, after, 0, k);
        return after;
    }

    @Test
    void shouldRecogniseEveryStateWhenTheWriterDiesAgainAndAgain() {
        Random random = new Random(16);
        for (int trial = 0; trial < 2_000; trial++) {
            byte[] original = bytes(random, random.nextInt(200));
            byte[] ours = bytes(random, random.nextInt(200));
            Operation.ReplaceFile write =
                    new Operation.ReplaceFile("/etc/resolv.conf", ours, original);
            Operation.ReplaceFile undo = (Operation.ReplaceFile) write.inverse();
            byte[] file = original;
            for (int step = 0; step < 6; step++) {
                byte[] target = random.nextBoolean() ? ours : original;
                int k = random.nextInt(target.length + 1);
                boolean finished = random.nextInt(4) == 0;
                file = finished ? target : interrupted(file, target, k);
                if (!Arrays.equals(file, ours) && !Arrays.equals(file, original)) {
                    assertThat(write.isInterruptedWrite(file))
                            .as("trial %d step %d", trial, step)
                            .isTrue();
                    assertThat(undo.isInterruptedWrite(file)).isTrue();
                }
            }
        }
    }

    @Test
    void shouldRecogniseOursWrittenOverTheOriginalUpToAnyByte() {
        Operation.ReplaceFile write = new Operation.ReplaceFile("/etc/resolv.conf", OURS, ORIGINAL);
        for (int k = 0; k <= OURS.length; k++) {
            assertThat(write.isInterruptedWrite(interrupted(ORIGINAL, OURS, k)))
                    .as("%d bytes written", k)
                    .isTrue();
        }
    }

    @Test
    void shouldNotTakeAnotherProgramsFileForAnInterruptedWrite() {
        Operation.ReplaceFile write = new Operation.ReplaceFile("/etc/resolv.conf", OURS, ORIGINAL);
        byte[] edited = ORIGINAL.clone();
        edited[ORIGINAL.length - 3] = 'x'; // example.nxt
        assertThat(write.isInterruptedWrite(edited)).isFalse();
        assertThat(write.isInterruptedWrite("nameserver 192.0.2.1\n".getBytes())).isFalse();
        assertThat(write.isInterruptedWrite(Arrays.copyOf(ORIGINAL, 10)))
                .as("a truncated file: what a truncate-first writer leaves, never this one")
                .isFalse();
        assertThat(write.isInterruptedWrite(new byte[0])).isFalse();
        byte[] longer = Arrays.copyOf(OURS, OURS.length + 1);
        longer[OURS.length] = '\n';
        assertThat(write.isInterruptedWrite(longer)).as("longer than both").isFalse();
    }

    @Test
    void shouldTakeAnyPrefixOfOursWhenThereWasNoFileBefore() {
        Operation.ReplaceFile write =
                new Operation.ReplaceFile("/etc/resolv.conf", OURS, new byte[0]);
        assertThat(write.isInterruptedWrite(Arrays.copyOf(OURS, 7))).isTrue();
        assertThat(write.isInterruptedWrite(new byte[0])).isTrue();
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}

package dev.sluice.routing.trie;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopLevelWidthTest {
    @Test
    void theTopLevelShouldWidenWithTheTableAtTheThresholds() {
        assertThat(TopLevelWidth.bitsFor(0)).isEqualTo(12);
        assertThat(TopLevelWidth.bitsFor(TopLevelWidth.MEDIUM_FROM - 1)).isEqualTo(12);
        assertThat(TopLevelWidth.bitsFor(TopLevelWidth.MEDIUM_FROM)).isEqualTo(16);
        assertThat(TopLevelWidth.bitsFor(TopLevelWidth.WIDE_FROM - 1)).isEqualTo(16);
        assertThat(TopLevelWidth.bitsFor(TopLevelWidth.WIDE_FROM)).isEqualTo(18);
        assertThat(TopLevelWidth.bitsFor(Integer.MAX_VALUE)).isEqualTo(18);
    }

    @Test
    void aWiderTopLevelShouldNeverCostMoreThan32BytesPerPrefix() {
        for (int entries : new int[] {TopLevelWidth.MEDIUM_FROM, TopLevelWidth.WIDE_FROM}) {
            long topBytes = 4L << TopLevelWidth.bitsFor(entries);
            assertThat(topBytes / entries).as("%d entries", entries).isLessThanOrEqualTo(32);
        }
    }
}

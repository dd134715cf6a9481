package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClockJumpDetectorTest {
    @Test
    void aSleepShouldShowAsAWallClockJumpAndSteadyTimeShouldNot() {
        ClockJumpDetector detector = new ClockJumpDetector(10_000, 1_000_000, 500);
        assertThat(detector.check(1_005_000, 5_500)).as("5 s on both clocks").isZero();
        assertThat(detector.check(1_010_050, 10_500)).as("50 ms drift").isZero();
        // Suspended for an hour: the monotonic clock (CLOCK_MONOTONIC) stood still meanwhile.
        assertThat(detector.check(4_615_050, 15_500)).isEqualTo(3_600_000);
        assertThat(detector.check(4_620_050, 20_500)).as("after the jump, steady again").isZero();
        // Someone set the clock back by a minute.
        assertThat(detector.check(4_565_050, 25_500)).isEqualTo(-60_000);
    }
}

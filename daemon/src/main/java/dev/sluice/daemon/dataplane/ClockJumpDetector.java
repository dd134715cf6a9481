package dev.sluice.daemon.dataplane;

/**
 * Notices that the machine slept (or its clock was set): between two checks, the wall clock moved
 * more than {@code thresholdMs} further than the monotonic clock. Handshakes and sessions are stale
 * after a sleep, so the service re-handshakes at once instead of waiting for timers.
 */
final class ClockJumpDetector {
    private final long thresholdMs;
    private long lastWallMs;
    private long lastMonotonicMs;

    ClockJumpDetector(long thresholdMs, long wallMs, long monotonicMs) {
        this.thresholdMs = thresholdMs;
        this.lastWallMs = wallMs;
        this.lastMonotonicMs = monotonicMs;
    }

    /**
     * Records a reading of both clocks.
     *
     * @return how far (ms) the wall clock jumped against the monotonic clock since the previous
     *     reading when that exceeds the threshold either way, else 0
     */
    long check(long wallMs, long monotonicMs) {
        long jumpMs = (wallMs - lastWallMs) - (monotonicMs - lastMonotonicMs);
        lastWallMs = wallMs;
        lastMonotonicMs = monotonicMs;
        return Math.abs(jumpMs) > thresholdMs ? jumpMs : 0;
    }
}

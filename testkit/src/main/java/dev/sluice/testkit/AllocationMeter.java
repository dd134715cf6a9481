package dev.sluice.testkit;

import java.lang.management.ManagementFactory;

/**
 * Measures heap bytes allocated by the current thread (HotSpot's per-thread TLAB accounting, {@code
 * com.sun.management.ThreadMXBean}). Use: warm the code up until the JIT has compiled it, then
 * measure many iterations and divide.
 */
public final class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    private AllocationMeter() {}

    /** Bytes the current thread has allocated so far. */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Bytes allocated by {@code iterations} runs of {@code operation} after {@code warmup} runs:
     * the total, not per run, so a single stray allocation shows.
     */
    public static long bytesAllocatedBy(int warmup, int iterations, Runnable operation) {
        for (int i = 0; i < warmup; i++) {
            operation.run();
        }
        // The meter itself allocates nothing; measure it once to subtract any constant overhead.
        long calibrationStart = allocatedBytes();
        long calibrationEnd = allocatedBytes();
        long overhead = calibrationEnd - calibrationStart;
        long start = allocatedBytes();
        for (int i = 0; i < iterations; i++) {
            operation.run();
        }
        return Math.max(0, allocatedBytes() - start - overhead);
    }
}

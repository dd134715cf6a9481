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
     * the total, not per run. Measured in three rounds and the smallest returned: an allocation per
     * operation shows in every round ({@code iterations} bytes at least), while a one-off event
     * such as a JIT deoptimization (which materializes objects the compiler had scalar-replaced)
     * shows in one round only.
     */
    public static long bytesAllocatedBy(int warmup, int iterations, Runnable operation) {
        for (int i = 0; i < warmup; i++) {
            operation.run();
        }
        // The meter itself allocates nothing; measure it once to subtract any constant overhead.
        long calibrationStart = allocatedBytes();
        long calibrationEnd = allocatedBytes();
        long overhead = calibrationEnd - calibrationStart;
        long smallest = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long start = allocatedBytes();
            for (int i = 0; i < iterations; i++) {
                operation.run();
            }
            smallest = Math.min(smallest, Math.max(0, allocatedBytes() - start - overhead));
        }
        return smallest;
    }
}

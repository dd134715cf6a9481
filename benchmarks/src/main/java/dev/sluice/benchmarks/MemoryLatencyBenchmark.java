package dev.sluice.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's memory hierarchy as the trie meets it: random loads in an array of the size of a
 * compiled table, each depending on the one before (a pointer chase over one random cycle:
 * latency), and independent of each other (the CPU overlaps them: throughput). A lookup that
 * serialises its misses pays the first figure per level; one that lets the next lookup start early
 * approaches the second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryLatencyBenchmark {
    static final int BATCH = 4096;

    @Param({"1", "3", "6", "32"})
    public int megabytes;

    private int[] next;
    private int[] randomIndexes;
    private int cursor;
    private int position;

    @Setup(Level.Trial)
    public void setUp() {
        int n = megabytes * 1024 * 1024 / 4;
        Random random = new Random(1);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        next = new int[n];
        for (int i = 0; i < n; i++) {
            next[order[i]] = order[(i + 1) % n];
        }
        randomIndexes = new int[1 << 16];
        for (int i = 0; i < randomIndexes.length; i++) {
            randomIndexes[i] = random.nextInt(n);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int dependentLoads() {
        int p = position;
        for (int i = 0; i < BATCH; i++) {
            p = next[p];
        }
        position = p;
        return p;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long independentLoads() {
        long sum = 0;
        int start = cursor;
        for (int i = 0; i < BATCH; i++) {
            sum += next[randomIndexes[(start + i) & 0xffff]];
        }
        cursor = start + BATCH;
        return sum;
    }
}

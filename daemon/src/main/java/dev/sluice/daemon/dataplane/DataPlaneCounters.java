package dev.sluice.daemon.dataplane;

import dev.sluice.packet.DecodeResult;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every count the data plane keeps: {@link Counter}s and drops by {@link DecodeResult} (the
 * protocol core counts its own). Lock-free, allocation-free increments from any thread.
 */
public final class DataPlaneCounters {
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final AtomicLongArray decodeDrops = new AtomicLongArray(DecodeResult.values().length);

    public void increment(Counter counter) {
        counters.incrementAndGet(counter.ordinal());
    }

    public void add(Counter counter, long amount) {
        counters.addAndGet(counter.ordinal(), amount);
    }

    public long get(Counter counter) {
        return counters.get(counter.ordinal());
    }

    public void decodeDrop(DecodeResult result) {
        decodeDrops.incrementAndGet(result.ordinal());
    }

    public long decodeDrops(DecodeResult result) {
        return decodeDrops.get(result.ordinal());
    }
}

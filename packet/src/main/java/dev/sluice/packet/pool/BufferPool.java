package dev.sluice.packet.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of {@link PacketBuffer}s carved from one direct allocation, handed out and taken back
 * through a bounded lock-free queue (Vyukov's array-based MPMC design: one sequence number per
 * slot). The queue's capacity equals the number of buffers, so a release always finds a slot. In
 * front of the queue one "hot" slot holds the buffer released last, which the next acquire takes: a
 * thread that releases its buffer before reading the next packet (bypass, sealing) keeps using the
 * same cache-warm memory instead of cycling through the whole pool (160 x 64 KB with offloads, far
 * more than the CPU's caches).
 *
 * <p>Contract: {@link #tryAcquire()} and {@link #release} are lock-free, O(1) and allocation-free;
 * the pool never allocates a buffer after construction; {@link #available()} plus the buffers owned
 * by callers always equals {@link #capacity()}.
 */
public final class BufferPool {
    private static final VarHandle POOLED;
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SLOTS =
            MethodHandles.arrayElementVarHandle(PacketBuffer[].class);
    private static final long WAIT_PARK_NS = 20_000;

    static {
        try {
            POOLED = MethodHandles.lookup().findVarHandle(PacketBuffer.class, "pooled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PacketBuffer[] buffers;
    private final PacketBuffer[] slots;
    private final long[] sequences;
    private final int mask;
    private final int bufferSize;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicReference<PacketBuffer> hot = new AtomicReference<>();

    /**
     * Creates {@code capacity} buffers of {@code bufferSize} bytes each, all available.
     *
     * @param capacity number of buffers, at least 1
     * @param bufferSize bytes per buffer, at least 1
     */
    public BufferPool(int capacity, int bufferSize) {
        if (capacity < 1 || bufferSize < 1) {
            throw new IllegalArgumentException(
                    "a buffer pool needs at least one buffer of at least one byte, got "
                            + capacity
                            + " x "
                            + bufferSize);
        }
        int slotCount = capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
        this.mask = slotCount - 1;
        this.bufferSize = bufferSize;
        this.buffers = new PacketBuffer[capacity];
        this.slots = new PacketBuffer[slotCount];
        this.sequences = new long[slotCount];
        for (int i = 0; i < slotCount; i++) {
            sequences[i] = i;
        }
        ByteBuffer memory =
                ByteBuffer.allocateDirect(Math.multiplyExact(capacity, bufferSize))
                        .order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < capacity; i++) {
            ByteBuffer slice = memory.slice(i * bufferSize, bufferSize).order(ByteOrder.BIG_ENDIAN);
            buffers[i] = new PacketBuffer(this, i, slice);
            offer(buffers[i]);
        }
    }

    /** Number of buffers the pool was created with. */
    public int capacity() {
        return buffers.length;
    }

    /** Bytes per buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** Buffers currently in the pool (a snapshot; exact when no other thread is active). */
    public int available() {
        int queued = (int) Math.max(0, Math.min(buffers.length, tail.get() - head.get()));
        return Math.min(buffers.length, queued + (hot.get() != null ? 1 : 0));
    }

    /** Buffers currently owned by callers. */
    public int inUse() {
        return buffers.length - available();
    }

    /**
     * Takes a buffer, or returns null when none is available (the caller applies backpressure). The
     * buffer's packet bounds are reset to (0, 0).
     */
    public PacketBuffer tryAcquire() {
        PacketBuffer buffer = hot.get() != null ? hot.getAndSet(null) : null;
        if (buffer == null) {
            buffer = poll();
        }
        if (buffer != null) {
            POOLED.setRelease(buffer, 0);
            buffer.packet(0, 0);
        }
        return buffer;
    }

    /**
     * Takes a buffer, waiting up to {@code timeoutNs} for one to come back.
     *
     * @return the buffer, or null when the deadline passed or the thread was interrupted (the
     *     interrupt flag stays set)
     */
    public PacketBuffer acquire(long timeoutNs) {
        long deadlineNs = System.nanoTime() + timeoutNs;
        PacketBuffer buffer;
        while ((buffer = tryAcquire()) == null) {
            if (System.nanoTime() - deadlineNs >= 0 || Thread.currentThread().isInterrupted()) {
                return null;
            }
            LockSupport.parkNanos(WAIT_PARK_NS);
        }
        return buffer;
    }

    /**
     * Returns {@code buffer} to this pool.
     *
     * @throws IllegalArgumentException if the buffer belongs to another pool
     * @throws IllegalStateException if it is already in the pool (released twice)
     */
    public void release(PacketBuffer buffer) {
        if (buffer.pool() != this) {
            throw new IllegalArgumentException("buffer belongs to another pool");
        }
        if (!POOLED.compareAndSet(buffer, 0, 1)) {
            throw new IllegalStateException("packet buffer " + buffer.index() + " released twice");
        }
        if (hot.get() != null || !hot.compareAndSet(null, buffer)) {
            offer(buffer);
        }
    }

    private void offer(PacketBuffer buffer) {
        while (true) {
            long position = tail.get();
            int slot = (int) position & mask;
            long sequence = (long) SEQUENCES.getAcquire(sequences, slot);
            long difference = sequence - position;
            if (difference == 0) {
                if (tail.compareAndSet(position, position + 1)) {
                    SLOTS.setRelease(slots, slot, buffer);
                    SEQUENCES.setRelease(sequences, slot, position + 1);
                    return;
                }
            } else {
                // difference < 0: a consumer has claimed this slot but not yet freed it (the
                // queue can never be truly full: it has a slot for every buffer). difference > 0:
                // another producer took this position. Either way the state moves on shortly.
                Thread.onSpinWait();
            }
        }
    }

    private PacketBuffer poll() {
        while (true) {
            long position = head.get();
            int slot = (int) position & mask;
            long sequence = (long) SEQUENCES.getAcquire(sequences, slot);
            long difference = sequence - (position + 1);
            if (difference == 0) {
                if (head.compareAndSet(position, position + 1)) {
                    PacketBuffer buffer = (PacketBuffer) SLOTS.getAcquire(slots, slot);
                    SLOTS.setRelease(slots, slot, null);
                    SEQUENCES.setRelease(sequences, slot, position + mask + 1);
                    return buffer;
                }
            } else if (difference < 0) {
                return null;
            } else {
                Thread.onSpinWait();
            }
        }
    }
}

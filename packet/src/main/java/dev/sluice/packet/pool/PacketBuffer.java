package dev.sluice.packet.pool;

import java.nio.ByteBuffer;

/**
 * One pooled direct buffer and the packet it currently holds ({@link #offset()}, {@link
 * #length()}). Fields are plain: the single owner reads and writes them, and the pool's queue
 * publishes them safely on hand-over.
 */
public final class PacketBuffer {
    private final BufferPool pool;
    private final int index;
    private final ByteBuffer data;
    private int offset;
    private int length;
    private long nativeAddress;

    /** 1 while the pool holds the buffer, 0 while an owner holds it (updated by the pool). */
    volatile int pooled = 1;

    PacketBuffer(BufferPool pool, int index, ByteBuffer data) {
        this.pool = pool;
        this.index = index;
        this.data = data;
    }

    /** The direct buffer, big-endian, of fixed capacity; use absolute access. */
    public ByteBuffer data() {
        return data;
    }

    /** Position of this buffer in its pool (stable; useful in logs and leak reports). */
    public int index() {
        return index;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** Records where the packet lies in {@link #data()}; returns {@code this}. */
    public PacketBuffer packet(int offset, int length) {
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * The native address of {@link #data()} as the platform layer recorded it (0 until then): a
     * cache so native I/O needs no lookup per packet.
     */
    public long nativeAddress() {
        return nativeAddress;
    }

    public void nativeAddress(long address) {
        this.nativeAddress = address;
    }

    public int capacity() {
        return data.capacity();
    }

    /** Gives the buffer back to its pool; the caller must not touch it afterwards. */
    public void release() {
        pool.release(this);
    }

    /** The pool this buffer belongs to. */
    public BufferPool pool() {
        return pool;
    }
}

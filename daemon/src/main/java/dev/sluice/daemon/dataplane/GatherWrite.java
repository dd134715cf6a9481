package dev.sluice.daemon.dataplane;

import java.nio.ByteBuffer;

/**
 * One packet for the device given as parts in direct buffers — a coalesced super-packet's virtio
 * header and headers in place before its first segment, then the payloads of the others where they
 * were decrypted — written with one gathering write. One thread; reused; allocation-free.
 */
public final class GatherWrite {
    private final ByteBuffer[] buffers;
    private final int[] offsets;
    private final int[] lengths;
    private int count;
    private int total;

    GatherWrite(int maxParts) {
        this.buffers = new ByteBuffer[maxParts];
        this.offsets = new int[maxParts];
        this.lengths = new int[maxParts];
    }

    void reset() {
        for (int i = 0; i < count; i++) {
            buffers[i] = null;
        }
        count = 0;
        total = 0;
    }

    /** Adds a part; false when there is no room for another. */
    boolean add(ByteBuffer buffer, int offset, int length) {
        if (count == buffers.length) {
            return false;
        }
        buffers[count] = buffer;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
        total += length;
        return true;
    }

    public int count() {
        return count;
    }

    public ByteBuffer buffer(int part) {
        return buffers[part];
    }

    public int offset(int part) {
        return offsets[part];
    }

    public int length(int part) {
        return lengths[part];
    }

    /** Bytes of all parts. */
    public int total() {
        return total;
    }
}

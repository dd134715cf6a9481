package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.PacketBuffer;
import java.nio.ByteBuffer;

/**
 * A packet device in memory for pipeline tests: keeps a copy of the last packet written and counts
 * writes. Reading is not used (tests hand packets to the pipeline directly). Allocation-free.
 */
final class MemoryDevice implements PacketDevice {
    private final ByteBuffer lastWritten = ByteBuffer.allocateDirect(Headroom.bufferSize(1500));
    private int lastLength;
    private long writes;

    @Override
    public String name() {
        return "memory0";
    }

    @Override
    public int read(PacketBuffer buffer, int offset) {
        return 0;
    }

    @Override
    public int write(PacketBuffer buffer, int offset, int length) {
        lastWritten.put(0, buffer.data(), offset, length);
        lastLength = length;
        writes++;
        return length;
    }

    @Override
    public int write(ByteBuffer data, int offset, int length) {
        lastWritten.put(0, data, offset, length);
        lastLength = length;
        writes++;
        return length;
    }

    @Override
    public boolean awaitReadable(int timeoutMs) {
        return false;
    }

    @Override
    public void close() {}

    long writes() {
        return writes;
    }

    /** A copy of the last packet written (allocates: for assertions only). */
    byte[] lastPacket() {
        byte[] copy = new byte[lastLength];
        lastWritten.get(0, copy);
        return copy;
    }
}

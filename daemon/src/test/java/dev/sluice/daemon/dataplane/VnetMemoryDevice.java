package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.PacketBuffer;
import java.nio.ByteBuffer;

/**
 * A device with offloads in memory: every write carries a virtio header; gathering writes are
 * taken. Counts writes and bytes, keeps nothing. Allocation-free.
 */
final class VnetMemoryDevice implements PacketDevice {
    private volatile long writes;
    private volatile long bytes;
    private volatile long gathered;

    @Override
    public String name() {
        return "vnet0";
    }

    @Override
    public boolean vnetHeader() {
        return true;
    }

    @Override
    public int read(PacketBuffer buffer, int offset) {
        return 0;
    }

    @Override
    public int write(PacketBuffer buffer, int offset, int length) {
        return write(buffer.data(), offset, length);
    }

    @Override
    public int write(ByteBuffer data, int offset, int length) {
        writes++;
        bytes += length;
        return length;
    }

    @Override
    public int writeGather(GatherWrite write) {
        writes++;
        gathered++;
        bytes += write.total();
        return write.total();
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

    long bytes() {
        return bytes;
    }

    long gathered() {
        return gathered;
    }
}

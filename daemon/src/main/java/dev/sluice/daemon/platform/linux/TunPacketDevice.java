package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.packet.pool.PacketBuffer;

/**
 * The data plane's {@link PacketDevice} over a {@link TunDevice}. Each pool buffer's native address
 * is looked up on first use and kept on the buffer, so reads and writes allocate nothing.
 */
public final class TunPacketDevice implements PacketDevice {
    private final TunDevice tun;

    public TunPacketDevice(TunDevice tun) {
        this.tun = tun;
    }

    @Override
    public String name() {
        return tun.name();
    }

    private static long address(PacketBuffer buffer) {
        long address = buffer.nativeAddress();
        if (address == 0) {
            address = TunDevice.address(buffer.data());
            buffer.nativeAddress(address);
        }
        return address;
    }

    @Override
    public int read(PacketBuffer buffer, int offset) {
        return tun.read(address(buffer) + offset, buffer.capacity() - offset);
    }

    @Override
    public int write(PacketBuffer buffer, int offset, int length) {
        return tun.write(address(buffer) + offset, length);
    }

    @Override
    public boolean awaitReadable(int timeoutMs) {
        return tun.awaitReadable(timeoutMs);
    }

    @Override
    public void wakeReader() {
        tun.wakeReader();
    }

    @Override
    public void close() {
        tun.close();
    }
}

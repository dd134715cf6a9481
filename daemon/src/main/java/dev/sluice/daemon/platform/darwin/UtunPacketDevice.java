package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.packet.pool.PacketBuffer;

/**
 * The data plane's {@link PacketDevice} over a {@link UtunDevice}. Each pool buffer's native
 * address is looked up on first use and kept on the buffer, so reads and writes allocate nothing.
 */
final class UtunPacketDevice implements PacketDevice {
    private final UtunDevice utun;
    private final Runnable closed;

    /**
     * @param closed run once the utun is closed
     */
    UtunPacketDevice(UtunDevice utun, Runnable closed) {
        this.utun = utun;
        this.closed = closed;
    }

    @Override
    public String name() {
        return utun.name();
    }

    private static long address(PacketBuffer buffer) {
        long address = buffer.nativeAddress();
        if (address == 0) {
            address = DarwinLibC.address(buffer.data());
            buffer.nativeAddress(address);
        }
        return address;
    }

    @Override
    public int read(PacketBuffer buffer, int offset) {
        return utun.read(address(buffer) + offset, buffer.capacity() - offset);
    }

    @Override
    public int write(PacketBuffer buffer, int offset, int length) {
        return utun.write(address(buffer) + offset, length, buffer.data().get(offset));
    }

    @Override
    public boolean awaitReadable(int timeoutMs) {
        return utun.awaitReadable(timeoutMs);
    }

    @Override
    public void close() {
        utun.close();
        closed.run();
    }
}

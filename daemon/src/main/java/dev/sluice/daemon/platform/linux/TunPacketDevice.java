package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.dataplane.GatherWrite;
import dev.sluice.daemon.dataplane.PacketDevice;
import dev.sluice.packet.pool.PacketBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The data plane's {@link PacketDevice} over a {@link TunDevice}. Each pool buffer's native address
 * is looked up on first use and kept on the buffer; other direct buffers (a receive batch's memory,
 * scratch buffers) are looked up once and remembered, so reads and writes allocate nothing.
 *
 * <p>Writes may come from two threads (the outbound thread reinjects, the inbound thread delivers):
 * each keeps its own iovec memory; the address cache is thread-confined too.
 */
public final class TunPacketDevice implements PacketDevice {
    private static final int MAX_PARTS = 128;

    private final TunDevice tun;
    private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(Writer::new);

    public TunPacketDevice(TunDevice tun) {
        this.tun = tun;
    }

    /** One thread's iovec memory and last-seen buffer addresses. */
    private static final class Writer {
        final ByteBuffer iovecs =
                ByteBuffer.allocateDirect(16 * MAX_PARTS).order(ByteOrder.nativeOrder());
        final long iovecsAddress = TunDevice.address(iovecs);
        final RecentBufferAddresses addresses = new RecentBufferAddresses();

        long address(ByteBuffer buffer) {
            return addresses.of(buffer);
        }
    }

    @Override
    public String name() {
        return tun.name();
    }

    @Override
    public boolean vnetHeader() {
        return tun.hasVnetHeader();
    }

    @Override
    public boolean takesUdpSuperPackets() {
        return (tun.offloads() & (TunDevice.TUN_F_USO4 | TunDevice.TUN_F_USO6))
                == (TunDevice.TUN_F_USO4 | TunDevice.TUN_F_USO6);
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
    public int write(ByteBuffer data, int offset, int length) {
        return tun.write(writers.get().address(data) + offset, length);
    }

    @Override
    public int writeGather(GatherWrite write) {
        Writer writer = writers.get();
        int parts = Math.min(write.count(), MAX_PARTS);
        for (int i = 0; i < parts; i++) {
            writer.iovecs.putLong(16 * i, writer.address(write.buffer(i)) + write.offset(i));
            writer.iovecs.putLong(16 * i + 8, write.length(i));
        }
        return tun.writev(writer.iovecsAddress, parts);
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

package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.PacketBuffer;
import java.io.Closeable;
import java.nio.ByteBuffer;

/** Where packets enter and leave the host stack: the tun (or an in-memory fake in tests). */
public interface PacketDevice extends Closeable {
    String name();

    /**
     * Reads one packet into {@code buffer} at {@code offset}.
     *
     * @return its length, 0 when none is waiting, a negative errno on failure
     */
    int read(PacketBuffer buffer, int offset);

    /**
     * Writes {@code buffer[offset, +length)} as one packet; returns the length or a negative errno.
     */
    int write(PacketBuffer buffer, int offset, int length);

    /**
     * Whether every read and write carries a virtio_net_hdr first (offloads on: reads may be
     * super-packets of up to 64 KB, writes may be too).
     */
    default boolean vnetHeader() {
        return false;
    }

    /** Whether writes may be USO super-packets (the kernel took TUN_F_USO4/6). */
    default boolean takesUdpSuperPackets() {
        return false;
    }

    /**
     * Writes {@code data[offset, +length)} (a direct buffer the caller owns, such as a receive
     * batch's memory) as one packet; returns the length or a negative errno.
     */
    default int write(ByteBuffer data, int offset, int length) {
        throw new UnsupportedOperationException("write from a plain buffer");
    }

    /** Writes the parts of {@code write} as one packet; returns the length or a negative errno. */
    default int writeGather(GatherWrite write) {
        throw new UnsupportedOperationException("gathering write");
    }

    /**
     * Waits up to {@code timeoutMs} (-1: without limit) for a packet to read, or until {@link
     * #wakeReader()}; true when a packet is waiting.
     */
    boolean awaitReadable(int timeoutMs);

    /** Makes a waiting {@link #awaitReadable} return now (any thread; to stop the reader). */
    default void wakeReader() {}

    @Override
    void close();
}

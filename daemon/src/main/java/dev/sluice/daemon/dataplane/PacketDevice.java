package dev.sluice.daemon.dataplane;

import dev.sluice.packet.pool.PacketBuffer;
import java.io.Closeable;

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
     * Waits up to {@code timeoutMs} (-1: without limit) for a packet to read, or until {@link
     * #wakeReader()}; true when a packet is waiting.
     */
    boolean awaitReadable(int timeoutMs);

    /** Makes a waiting {@link #awaitReadable} return now (any thread; to stop the reader). */
    default void wakeReader() {}

    @Override
    void close();
}

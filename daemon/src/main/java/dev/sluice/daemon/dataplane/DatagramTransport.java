package dev.sluice.daemon.dataplane;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The UDP side: sends encrypted messages to peers (thread-safe; each thread may keep state of its
 * own). Receiving calls a {@link DatagramReceiver} on the transport's thread.
 */
public interface DatagramTransport extends AutoCloseable {
    /** Sends {@code buffer[offset, +length)} to {@code endpoint} (control path; may allocate). */
    void send(ByteBuffer buffer, int offset, int length, InetSocketAddress endpoint);

    /**
     * Sends the datagrams laid back to back in {@code buffer[offset, +totalLength)}, each {@code
     * segmentLength} bytes but the last (which may be shorter), to {@code to}: one system call
     * where the platform segments UDP (GSO). Data path: allocation-free.
     */
    default void sendSegments(
            ByteBuffer buffer, int offset, int totalLength, int segmentLength, Endpoint to) {
        for (int at = 0; at < totalLength; at += segmentLength) {
            send(buffer, offset + at, Math.min(segmentLength, totalLength - at), to.address());
        }
    }

    /** Whether {@link #sendSegments} of many datagrams costs one system call. */
    default boolean segments() {
        return false;
    }

    /** Whether one receive may carry several datagrams of a flow coalesced (UDP GRO). */
    default boolean coalescesReceives() {
        return false;
    }

    /** Pushes queued datagrams to the network. */
    void flush();

    /** The UDP port bound (both families). */
    int port();

    @Override
    void close();
}

package dev.sluice.daemon.dataplane;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** The UDP side: sends encrypted messages to peers (thread-safe). Receiving calls the pipeline. */
public interface DatagramTransport extends AutoCloseable {
    /** Queues {@code buffer[offset, +length)} for {@code endpoint}; the bytes are copied. */
    void send(ByteBuffer buffer, int offset, int length, InetSocketAddress endpoint);

    /** Pushes queued datagrams to the network. */
    void flush();

    /** The UDP port bound (both families). */
    int port();

    @Override
    void close();
}

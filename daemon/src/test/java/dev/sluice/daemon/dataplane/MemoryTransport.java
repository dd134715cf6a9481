package dev.sluice.daemon.dataplane;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A datagram transport in memory for pipeline tests: keeps a copy of the last datagram sent and its
 * endpoint. Allocation-free.
 */
final class MemoryTransport implements DatagramTransport {
    private final ByteBuffer lastSent = ByteBuffer.allocateDirect(Headroom.bufferSize(1500));
    private int lastLength;
    private InetSocketAddress lastEndpoint;
    private long sends;

    @Override
    public void send(ByteBuffer buffer, int offset, int length, InetSocketAddress endpoint) {
        lastSent.put(0, buffer, offset, length);
        lastLength = length;
        lastEndpoint = endpoint;
        sends++;
    }

    @Override
    public void flush() {}

    @Override
    public int port() {
        return 51820;
    }

    @Override
    public void close() {}

    long sends() {
        return sends;
    }

    ByteBuffer lastDatagram() {
        return lastSent;
    }

    int lastLength() {
        return lastLength;
    }

    InetSocketAddress lastEndpoint() {
        return lastEndpoint;
    }
}

package dev.sluice.daemon.dataplane;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** What a transport calls for each received datagram (on its receive thread). */
@FunctionalInterface
public interface DatagramReceiver {
    void onDatagram(ByteBuffer data, int offset, int length, InetSocketAddress sender, long nowNs);
}

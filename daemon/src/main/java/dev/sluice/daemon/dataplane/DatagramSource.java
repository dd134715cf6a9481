package dev.sluice.daemon.dataplane;

import java.net.InetSocketAddress;

/**
 * Where a received datagram came from, as primitives (an IPv4 address as {@code ::ffff:a.b.c.d}): a
 * transport reuses one instance for every datagram, so comparing a source with a peer's endpoint
 * allocates nothing. Valid only during the {@link DatagramReceiver#onDatagram} call.
 */
public interface DatagramSource {
    /** The address's high 64 bits (IPv6 form). */
    long high();

    /** The address's low 64 bits (IPv6 form). */
    long low();

    int port();

    /** As an address object (allocates: control path, roaming). */
    InetSocketAddress toAddress();
}

package dev.sluice.daemon.dataplane;

import java.net.InetSocketAddress;

/**
 * A {@link DatagramSource} over an address object, for transports that hand over one per datagram
 * anyway (Netty's): one small allocation per datagram, as those transports make already.
 */
public final class AddressSource implements DatagramSource {
    private final InetSocketAddress address;
    private final Endpoint endpoint;

    public AddressSource(InetSocketAddress address) {
        this.address = address;
        this.endpoint = Endpoint.of(address);
    }

    @Override
    public long high() {
        return endpoint.high();
    }

    @Override
    public long low() {
        return endpoint.low();
    }

    @Override
    public int port() {
        return endpoint.port();
    }

    @Override
    public InetSocketAddress toAddress() {
        return address;
    }
}

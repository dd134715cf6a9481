package dev.sluice.daemon.dataplane;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * A peer's UDP endpoint, as an address object for the control path and as primitives (IPv6 form,
 * IPv4 as {@code ::ffff:a.b.c.d}) for the data path: comparing with a {@link DatagramSource} or
 * writing a sockaddr allocates nothing. Immutable.
 *
 * @param address the endpoint
 * @param high high 64 bits of the address in IPv6 form
 * @param low low 64 bits
 * @param port the UDP port
 */
public record Endpoint(InetSocketAddress address, long high, long low, int port) {
    /** The endpoint of {@code address} (resolved). */
    public static Endpoint of(InetSocketAddress address) {
        byte[] bytes = address.getAddress().getAddress();
        long high = 0;
        long low;
        if (address.getAddress() instanceof Inet4Address) {
            low =
                    0xffffL << 32
                            | ((bytes[0] & 0xffL) << 24)
                            | ((bytes[1] & 0xffL) << 16)
                            | ((bytes[2] & 0xffL) << 8)
                            | (bytes[3] & 0xffL);
        } else {
            low = 0;
            for (int i = 0; i < 8; i++) {
                high = high << 8 | (bytes[i] & 0xffL);
                low = low << 8 | (bytes[8 + i] & 0xffL);
            }
        }
        return new Endpoint(address, high, low, address.getPort());
    }

    /** Whether {@code source} is this endpoint. Allocation-free. */
    public boolean matches(DatagramSource source) {
        return source.port() == port && source.low() == low && source.high() == high;
    }

    /** Whether the address is IPv4 (mapped). */
    public boolean isIpv4() {
        return high == 0 && (low >>> 32) == 0xffffL;
    }
}

package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Binds a socket to one interface with {@code IP_BOUND_IF} / {@code IPV6_BOUND_IF}: its datagrams
 * leave by that interface whatever the routing table says (the kernel looks the route up scoped to
 * it), so the daemon's UDP to the peers neither needs a route of its own nor loops into the utun.
 * Index 0 removes the binding.
 *
 * <pre>
 *   setsockopt(fd, IPPROTO_IP   = 0,  IP_BOUND_IF   = 25,  &amp;(int) ifindex, 4)   netinet/in.h
 *   setsockopt(fd, IPPROTO_IPV6 = 41, IPV6_BOUND_IF = 125, &amp;(int) ifindex, 4)   netinet6/in6.h
 * </pre>
 *
 * The value is a C {@code int} in the machine's order (little-endian on both Intel and Apple
 * Silicon Macs).
 */
final class BoundInterface {
    static final int IPPROTO_IP = 0;
    static final int IP_BOUND_IF = 25;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_BOUND_IF = 125;

    private BoundInterface() {}

    /** {@code setsockopt}, as libc has it (tests record the calls). */
    @FunctionalInterface
    interface SocketOptions {
        /**
         * @throws IOException naming the option and the errno when the call fails
         */
        void set(int fd, int level, int option, byte[] value) throws IOException;
    }

    /** The option's level for a socket of {@code family}. */
    static int level(IpFamily family) {
        return family == IpFamily.IPV4 ? IPPROTO_IP : IPPROTO_IPV6;
    }

    /** The option's name for a socket of {@code family}. */
    static int option(IpFamily family) {
        return family == IpFamily.IPV4 ? IP_BOUND_IF : IPV6_BOUND_IF;
    }

    /** The option's value: the interface index as a C int. */
    static byte[] value(int interfaceIndex) {
        return ByteBuffer.allocate(Integer.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(interfaceIndex)
                .array();
    }

    /**
     * Binds {@code fd} (a socket of {@code family}) to {@code interfaceIndex}, or unbinds it (0).
     */
    static void bind(SocketOptions options, int fd, IpFamily family, int interfaceIndex)
            throws IOException {
        options.set(fd, level(family), option(family), value(interfaceIndex));
    }

    /** libc's setsockopt through JNA (macOS only). */
    static final SocketOptions LIBC =
            (fd, level, option, value) -> {
                if (DarwinLibC.setsockopt(fd, level, option, value, value.length) < 0) {
                    throw new SystemCallException(
                            "setsockopt "
                                    + (option == IP_BOUND_IF ? "IP_BOUND_IF" : "IPV6_BOUND_IF")
                                    + " on socket "
                                    + fd,
                            DarwinLibC.errno());
                }
            };
}

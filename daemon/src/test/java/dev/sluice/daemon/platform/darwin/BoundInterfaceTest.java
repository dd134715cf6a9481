package dev.sluice.daemon.platform.darwin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpFamily;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code IP_BOUND_IF} / {@code IPV6_BOUND_IF} as the daemon's UDP sockets get them. Values from XNU
 * (apple-oss-distributions/xnu, xnu-11417.101.15): bsd/netinet/in.h {@code #define IPPROTO_IP 0},
 * {@code #define IPPROTO_IPV6 41}, {@code #define IP_BOUND_IF 25} ("int; set/get bound interface");
 * bsd/netinet6/in6.h {@code #define IPV6_BOUND_IF 125} ("int; set/get bound interface"). The value
 * is an {@code int}, little-endian on both Mac architectures.
 */
class BoundInterfaceTest {
    /** Records each setsockopt as "fd level option value-hex"; fails on the descriptor given. */
    static final class FakeLibC implements BoundInterface.SocketOptions {
        final List<String> calls = new ArrayList<>();
        int failingDescriptor = -2;

        @Override
        public void set(int fd, int level, int option, byte[] value) throws IOException {
            calls.add(fd + " " + level + " " + option + " " + HexFormat.of().formatHex(value));
            if (fd == failingDescriptor) {
                throw new SystemCallException("setsockopt IP_BOUND_IF on socket " + fd, 22);
            }
        }
    }

    @Test
    void shouldPassTheLevelOptionAndIndexBytesTheXnuHeadersDefine() throws Exception {
        FakeLibC libc = new FakeLibC();
        BoundInterface.bind(libc, 7, IpFamily.IPV4, 14);
        BoundInterface.bind(libc, 8, IpFamily.IPV6, 14);
        BoundInterface.bind(libc, 8, IpFamily.IPV6, 0x0102);
        BoundInterface.bind(libc, 7, IpFamily.IPV4, 0);
        assertThat(libc.calls)
                .containsExactly(
                        "7 0 25 0e000000",
                        "8 41 125 0e000000",
                        "8 41 125 02010000",
                        "7 0 25 00000000");
    }

    private static NioDatagramTransport transport(FakeLibC libc, int v4, int v6) {
        return new NioDatagramTransport(null, null, null, 51820, v4, v6, libc);
    }

    @Test
    void shouldBindEachSocketToItsFamilysPrimaryInterfaceAndAgainWhenItChanges() {
        FakeLibC libc = new FakeLibC();
        NioDatagramTransport sockets = transport(libc, 7, 8);
        sockets.bindTo(new Underlay(null, 4, null, 4)); // en0 for both families
        sockets.bindTo(new Underlay(null, 4, null, 4)); // no change: no call
        sockets.bindTo(new Underlay(null, 11, null, 0)); // Ethernet; IPv6 lost its default route
        assertThat(libc.calls)
                .containsExactly(
                        "7 0 25 04000000",
                        "8 41 125 04000000",
                        "7 0 25 0b000000",
                        "8 41 125 00000000");
    }

    @Test
    void shouldTryAgainAtTheNextChangeWhenBindingFailed() {
        FakeLibC libc = new FakeLibC();
        libc.failingDescriptor = 7;
        NioDatagramTransport sockets = transport(libc, 7, 8);
        sockets.bindTo(new Underlay(null, 4, null, 4));
        libc.failingDescriptor = -2;
        sockets.bindTo(new Underlay(null, 4, null, 4));
        assertThat(libc.calls)
                .containsExactly("7 0 25 04000000", "8 41 125 04000000", "7 0 25 04000000");
    }

    @Test
    void shouldLeaveASocketWhoseDescriptorIsUnknownUnbound() {
        FakeLibC libc = new FakeLibC();
        transport(libc, -1, 8).bindTo(new Underlay(null, 4, null, 4));
        assertThat(libc.calls).containsExactly("8 41 125 04000000");
    }

    @Test
    void shouldReadTheDescriptorOfAJdkDatagramChannel() throws Exception {
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            int fd = NioDatagramTransport.descriptor(channel);
            assertThat(fd).as("the build exports sun.nio.ch as the launcher does").isPositive();
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString())
                    .as("the tests run on Linux, where /proc names what a descriptor is")
                    .startsWith("socket:[");
        }
    }
}

package dev.sluice.daemon.platform.darwin;

import static dev.sluice.daemon.platform.darwin.Hex.bytes;
import static dev.sluice.daemon.platform.darwin.Hex.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parsing a routing-table dump as {@code sysctl {CTL_NET, PF_ROUTE, 0, 0, NET_RT_DUMP2, 0}} returns
 * it: {@code rt_msghdr2} messages of type {@code RTM_GET2} (bsd/net/route.h) written by {@code
 * sysctl_dumpentry} and {@code rt_msg2} (bsd/net/rtsock.c, xnu-11417.101.15), followed here by an
 * {@code RTM_IFINFO} ({@code struct if_msghdr}, bsd/net/if.h, {@code struct if_data} packed to 4,
 * bsd/net/if_var.h) as a routing socket delivers one. The buffer is written field by field from
 * those sources, not captured on a Mac (see docs/macos.md): netmasks in the kernel's trimmed form
 * ({@code rn_addmask} in bsd/net/radix.c sets the bytes before the address to 0xff, {@code sa_trim}
 * in bsd/net/route.c drops trailing zero bytes, a /0 has length 0 and still takes 4 bytes),
 * link-layer gateways ({@code sockaddr_dl}, bsd/net/if_dl.h) with and without a hardware address,
 * and an IPv6 link-local gateway with its scope embedded in bytes 2-3 (KAME form).
 */
class RouteDumpTest {
    /** rt_msghdr2 after rtm_addrs: refcnt, parentflags, reserved, use, inits, rt_metrics. */
    private static final String REST = zeros(4 * 5) + zeros(56);

    static final byte[] DUMP =
            bytes(
                    // 1. default route via 192.168.1.1 on en0 (index 4)
                    "9000 05 14 0400 0000", // msglen 144 = 92 + 16 + 16 + 4 + 16; version 5,
                    // RTM_GET2, index 4
                    "03080140", // flags UP|GATEWAY|STATIC|PRCLONING|GLOBAL
                    "27000000", // addrs DST|GATEWAY|NETMASK|IFA
                    REST,
                    "10 02 0000 00000000",
                    zeros(8), // DST 0.0.0.0
                    "10 02 0000 c0a80101",
                    zeros(8), // GATEWAY 192.168.1.1
                    "00000000", // NETMASK: length 0 (/0), padded to 4
                    "10 02 0000 c0a80114",
                    zeros(8), // IFA 192.168.1.20
                    // 2. 192.168.1.0/24 on link#4: a trimmed netmask, a link gateway
                    "9800 05 14 0400 0000", // msglen 152 = 92 + 16 + 20 + 8 + 16
                    "01010000", // UP|CLONING
                    "27000000",
                    REST,
                    "10 02 0000 c0a80100",
                    zeros(8),
                    "14 12 0400 06 00 00 00",
                    zeros(12), // sockaddr_dl index 4, IFT_ETHER
                    "07 ffffff ffffff 00", // netmask: len 7, ff ff ff (rn_ones), 255.255.255
                    "10 02 0000 c0a80114",
                    zeros(8),
                    // 3. the router's ARP entry: a link-layer gateway with a hardware address
                    "9000 05 14 0400 0000", // msglen 144 = 92 + 16 + 20 + 16
                    "05040211", // UP|HOST|LLINFO|WASCLONED|IFSCOPE|ROUTER
                    "23000000", // DST|GATEWAY|IFA
                    REST,
                    "10 02 0000 c0a80101",
                    zeros(8),
                    "14 12 0400 06 00 06 00",
                    "0a1b2c3d4e5f",
                    zeros(6), // alen 6: the MAC
                    "10 02 0000 c0a80114",
                    zeros(8),
                    // 4. 2001:db8:1::/64 via fe80::1%4: an IPv6 trimmed mask, a KAME gateway
                    "a400 05 14 0400 0000", // msglen 164 = 92 + 28 + 28 + 16
                    "03080000", // UP|GATEWAY|STATIC
                    "07000000", // DST|GATEWAY|NETMASK
                    REST,
                    "1c 1e 0000 00000000 20010db8000100000000000000000000 00000000",
                    "1c 1e 0000 00000000 fe800004000000000000000000000001 00000000",
                    "10 ffffffffffffff ffffffffffffffff", // len 16: 7 x ff, then /64
                    // 5. Sluice's 10.0.0.0/8 via the utun (link#9), marked PROTO1
                    "8800 05 14 0900 0000", // msglen 136 = 92 + 16 + 20 + 8
                    "01880000", // UP|STATIC|PROTO1
                    "07000000",
                    REST,
                    "10 02 0000 0a000000",
                    zeros(8),
                    "14 12 0900 00 00 00 00",
                    zeros(12),
                    "05 ffffff ff 000000", // len 5: /8
                    // 6. RTM_IFINFO of utun9: up, point to point, running, multicast
                    "7000 05 0e", // msglen 112, version 5, RTM_IFINFO
                    "00000000", // ifm_addrs
                    "51800000", // ifm_flags UP|POINTOPOINT|RUNNING|MULTICAST
                    "0900 0000", // ifm_index 9, padding
                    "01 00 00 00 00 00 00 00", // ifi_type IFT_OTHER .. ifi_unused1
                    "8c050000", // ifi_mtu 1420
                    zeros(96 - 12)); // the rest of if_data

    @Test
    void shouldParseEveryMessageOfARecordedDump() {
        List<RoutingMessage> messages =
                RoutingMessageCodec.decodeAll(ByteBuffer.wrap(DUMP), 0, DUMP.length);
        assertThat(messages)
                .extracting(Object::toString)
                .containsExactly(
                        "RTM_GET2 0.0.0.0/0 gateway 192.168.1.1 ifa 192.168.1.20"
                                + " flags UP,GATEWAY,STATIC,PRCLONING,GLOBAL index 4",
                        "RTM_GET2 192.168.1.0/24 gateway link#4 ifa 192.168.1.20"
                                + " flags UP,CLONING index 4",
                        "RTM_GET2 192.168.1.1/32 gateway link#4 0a:1b:2c:3d:4e:5f"
                                + " ifa 192.168.1.20"
                                + " flags UP,HOST,LLINFO,WASCLONED,IFSCOPE,ROUTER ifscope 4",
                        "RTM_GET2 2001:db8:1::/64 gateway fe80::1%4 flags UP,GATEWAY,STATIC index 4",
                        "RTM_GET2 10.0.0.0/8 gateway link#9 flags UP,STATIC,PROTO1 index 9",
                        "RTM_IFINFO index 9 flags 0x8051 up mtu 1420");
    }

    @Test
    void shouldReadTrimmedNetmasksAsPrefixLengths() {
        assertThat(mask("07ffffffffffff00", IpFamily.IPV4)).isEqualTo(24);
        assertThat(mask("05ffffffff000000", IpFamily.IPV4)).isEqualTo(8);
        assertThat(mask("06ffffffffe00000", IpFamily.IPV4)).isEqualTo(11);
        assertThat(mask("00000000", IpFamily.IPV4)).isZero();
        // a full-length mask as route(8) and Sluice send them reads the same
        assertThat(mask("10020000ffffff000000000000000000", IpFamily.IPV4)).isEqualTo(24);
        assertThat(mask("10ffffffffffffffffffffffffffffff", IpFamily.IPV6)).isEqualTo(64);
        assertThat(mask("0cffffffffffffff20010db8", IpFamily.IPV6))
                .as("a non-contiguous mask is not a prefix")
                .isEqualTo(-1);
    }

    private static int mask(String hex, IpFamily family) {
        byte[] bytes = bytes(hex);
        Sockaddr mask = SockaddrCodec.read(ByteBuffer.wrap(bytes), 0, bytes.length, family);
        return mask instanceof Sockaddr.Mask m ? m.length() : -1;
    }

    @Test
    void shouldFindThePrimaryGatewayInADumpAndIgnoreScopedAndOwnRoutes() {
        List<RoutingMessage.Route> routes =
                RoutingMessageCodec.decodeAll(ByteBuffer.wrap(DUMP), 0, DUMP.length).stream()
                        .filter(RoutingMessage.Route.class::isInstance)
                        .map(RoutingMessage.Route.class::cast)
                        .toList();
        Underlay underlay = Underlay.of(routes);
        assertThat(underlay.ipv4Gateway()).isEqualTo(Sockaddr.Inet.of("192.168.1.1"));
        assertThat(underlay.ipv4Interface()).isEqualTo(4);
        assertThat(underlay.ipv6Gateway()).isNull();
        assertThat(routes.get(4).prefix()).isEqualTo(IpPrefix.parse("10.0.0.0/8"));
    }

    @Test
    void shouldNameTheOffsetWhenADumpIsTruncated() {
        byte[] torn = java.util.Arrays.copyOf(DUMP, 144 + 100);
        assertThatThrownBy(
                        () -> RoutingMessageCodec.decodeAll(ByteBuffer.wrap(torn), 0, torn.length))
                .hasMessageContaining("offset 144")
                .hasMessageContaining("152 bytes, 100 left");
        byte[] zero = new byte[8];
        assertThatThrownBy(() -> RoutingMessageCodec.decodeAll(ByteBuffer.wrap(zero), 0, 8))
                .hasMessageContaining("offset 0");
    }

    @Test
    void shouldRefuseASockaddrThatRunsPastItsMessage() {
        int fifth = 144 + 152 + 144 + 164;
        byte[] message = java.util.Arrays.copyOfRange(DUMP, fifth, fifth + 136);
        message[92 + 16] = 40; // the gateway claims 40 bytes; 28 are left in the message
        assertThatThrownBy(
                        () ->
                                RoutingMessageCodec.decode(
                                        ByteBuffer.wrap(message), 0, message.length))
                .hasMessageContaining("claims 40 bytes, only 28 left");
    }
}

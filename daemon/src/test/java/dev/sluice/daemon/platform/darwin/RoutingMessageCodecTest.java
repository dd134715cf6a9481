package dev.sluice.daemon.platform.darwin;

import static dev.sluice.daemon.platform.darwin.Hex.bytes;
import static dev.sluice.daemon.platform.darwin.Hex.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpPrefix;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of routing messages, written field by field from bsd/net/route.h ({@code struct
 * rt_msghdr}: {@code u_short rtm_msglen; u_char rtm_version; u_char rtm_type; u_short rtm_index;}
 * two bytes of padding, then {@code int rtm_flags, rtm_addrs; pid_t rtm_pid; int rtm_seq,
 * rtm_errno, rtm_use; u_int32_t rtm_inits; struct rt_metrics rtm_rmx} (14 x u_int32_t), 92 bytes)
 * and the sockaddrs of bsd/netinet/in.h, bsd/netinet6/in6.h and bsd/net/if_dl.h, each padded to 4
 * bytes ({@code ROUNDUP32}, bsd/net/rtsock.c). xnu-11417.101.15.
 */
class RoutingMessageCodecTest {
    private static final String METRICS = zeros(56); // rtm_rmx, all zero
    private static final int UTUN = 9;

    /** The fields of rt_msghdr after rtm_addrs, for a request Sluice sends (pid 0, seq 1). */
    private static final String PID_SEQ_ERRNO_USE_INITS =
            "00000000" + "01000000" + "00000000" + "00000000" + "00000000";

    @Test
    void shouldEncodeRtmAddOfAnIpv4NetRouteViaAnInterface() {
        byte[] message =
                RoutingMessageCodec.encode(
                        RouteRequests.add(
                                IpPrefix.parse("10.0.0.0/8"), Sockaddr.Link.index(UTUN), 0, 1));
        assertThat(Hex.text(message))
                .isEqualTo(
                        Hex.text(
                                bytes(
                                        "9000", // rtm_msglen 144 = 92 + 16 + 20 + 16
                                        "05", // rtm_version RTM_VERSION
                                        "01", // rtm_type RTM_ADD
                                        "0000", // rtm_index
                                        "0000", // padding
                                        "01880000", // rtm_flags UP|STATIC|PROTO1
                                        "07000000", // rtm_addrs DST|GATEWAY|NETMASK
                                        PID_SEQ_ERRNO_USE_INITS,
                                        METRICS,
                                        // RTA_DST sockaddr_in 10.0.0.0
                                        "10 02 0000 0a000000",
                                        zeros(8),
                                        // RTA_GATEWAY sockaddr_dl: len 20, AF_LINK 18, index 9
                                        "14 12 0900 00 00 00 00",
                                        zeros(12),
                                        // RTA_NETMASK sockaddr_in 255.0.0.0
                                        "10 02 0000 ff000000",
                                        zeros(8))));
    }

    @Test
    void shouldEncodeRtmAddOfAnIpv6Slash32ViaAnInterface() {
        byte[] message =
                RoutingMessageCodec.encode(
                        RouteRequests.add(
                                IpPrefix.parse("2001:db8::/32"), Sockaddr.Link.index(UTUN), 0, 1));
        assertThat(Hex.text(message))
                .isEqualTo(
                        Hex.text(
                                bytes(
                                        "a800", // 168 = 92 + 28 + 20 + 28
                                        "05 01 0000 0000",
                                        "01880000", // UP|STATIC|PROTO1
                                        "07000000", // DST|GATEWAY|NETMASK
                                        PID_SEQ_ERRNO_USE_INITS,
                                        METRICS,
                                        // sockaddr_in6: len 28, AF_INET6 30, port, flowinfo,
                                        // 2001:db8::, scope_id
                                        "1c 1e 0000 00000000",
                                        "20010db8000000000000000000000000",
                                        "00000000",
                                        "14 12 0900 00 00 00 00",
                                        zeros(12),
                                        "1c 1e 0000 00000000",
                                        "ffffffff000000000000000000000000",
                                        "00000000")));
    }

    @Test
    void shouldEncodeRtmAddOfAnIpv4HostRouteViaAGatewayWithoutANetmask() {
        byte[] message =
                RoutingMessageCodec.encode(
                        RouteRequests.add(
                                IpPrefix.parseAddress("198.18.1.2"),
                                Sockaddr.Inet.of("192.168.1.1"),
                                0,
                                1));
        assertThat(Hex.text(message))
                .isEqualTo(
                        Hex.text(
                                bytes(
                                        "7c00", // 124 = 92 + 16 + 16
                                        "05 01 0000 0000",
                                        "07880000", // UP|GATEWAY|HOST|STATIC|PROTO1
                                        "03000000", // DST|GATEWAY
                                        PID_SEQ_ERRNO_USE_INITS,
                                        METRICS,
                                        "10 02 0000 c6120102", // 198.18.1.2
                                        zeros(8),
                                        "10 02 0000 c0a80101", // 192.168.1.1
                                        zeros(8))));
    }

    /** The scope goes in rtm_index with RTF_IFSCOPE (route_output, bsd/net/rtsock.c). */
    @Test
    void shouldEncodeAScopedHostRouteWithTheScopeInRtmIndex() {
        byte[] message =
                RoutingMessageCodec.encode(
                        RouteRequests.add(
                                IpPrefix.parseAddress("198.18.1.2"),
                                Sockaddr.Inet.of("192.168.1.1"),
                                4,
                                1));
        assertThat(Hex.text(message).substring(0, 32))
                .isEqualTo(
                        Hex.text(
                                bytes(
                                        "7c00 05 01",
                                        "0400", // rtm_index: the scope, en0 = 4
                                        "0000",
                                        "07880001", // ... | RTF_IFSCOPE 0x1000000
                                        "03000000")));
        RoutingMessage decoded =
                RoutingMessageCodec.decode(ByteBuffer.wrap(message), 0, message.length);
        assertThat(decoded)
                .hasToString(
                        "RTM_ADD 198.18.1.2/32 gateway 192.168.1.1"
                                + " flags UP,GATEWAY,HOST,STATIC,PROTO1,IFSCOPE ifscope 4");
    }

    /** route(8) and the kernel write IPv6 link-local gateways in KAME form: scope in bytes 2-3. */
    @Test
    void shouldEmbedTheScopeOfALinkLocalGatewayAsRouteDoes() {
        byte[] message =
                RoutingMessageCodec.encode(
                        RouteRequests.add(
                                IpPrefix.parse("2001:db8:1::/48"),
                                Sockaddr.Inet.of("fe80::1%4"),
                                0,
                                1));
        String gateway = Hex.text(message).substring(2 * (92 + 28), 2 * (92 + 56));
        assertThat(gateway)
                .isEqualTo("1c1e000000000000fe800004000000000000000000000001" + "00000000");
        RoutingMessage.Route decoded =
                (RoutingMessage.Route)
                        RoutingMessageCodec.decode(ByteBuffer.wrap(message), 0, message.length);
        assertThat(decoded.gateway()).isEqualTo(Sockaddr.Inet.of("fe80::1%4"));
    }

    @Test
    void shouldRoundTripEveryRequestSluiceSends() {
        for (RoutingMessage.Route request :
                List.of(
                        RouteRequests.add(
                                IpPrefix.parse("0.0.0.0/1"), Sockaddr.Link.index(UTUN), 0, 3),
                        RouteRequests.change(
                                IpPrefix.parse("198.19.0.0/16"), Sockaddr.Inet.of("10.0.0.1"), 4),
                        RouteRequests.delete(IpPrefix.parse("8000::/1"), 0, 5),
                        RouteRequests.get(IpPrefix.parse("192.0.2.0/24"), 6))) {
            byte[] bytes = RoutingMessageCodec.encode(request);
            assertThat(RoutingMessageCodec.decode(ByteBuffer.wrap(bytes), 0, bytes.length))
                    .isEqualTo(request);
        }
    }

    @Test
    void shouldRefuseAMessageOfAnotherVersionOrAShortHeader() {
        byte[] message =
                RoutingMessageCodec.encode(
                        RouteRequests.delete(IpPrefix.parse("10.0.0.0/8"), 0, 1));
        message[2] = 4;
        assertThatThrownBy(
                        () ->
                                RoutingMessageCodec.decode(
                                        ByteBuffer.wrap(message), 0, message.length))
                .hasMessageContaining("version 4");
        message[2] = 5;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(ByteBuffer.wrap(message), 0, 60))
                .hasMessageContaining("shorter than its 92-byte header");
    }
}

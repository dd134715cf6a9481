package dev.sluice.daemon.platform.darwin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteType;
import org.junit.jupiter.api.Test;

/** The macOS backend against an in-memory kernel that decodes and encodes with the same codec. */
class DarwinRouteBackendTest {
    private final FakeRoutingKernel kernel = Mac.onEn0();
    private final DarwinRouteBackend backend = Mac.backend(kernel, Mac.noDns());

    private static Operation add(String prefix, RouteType type) {
        return new Operation.AddRoute(route(prefix, type));
    }

    private static RouteEntry route(String prefix, RouteType type) {
        return new RouteEntry(
                IpPrefix.parse(prefix), type, type == RouteType.UNICAST ? "utun9" : null, 0);
    }

    @Test
    void shouldAddTunnelRoutesViaTheUtunAndBypassRoutesViaThePrimaryGateway() throws Exception {
        backend.apply(add("10.0.0.0/8", RouteType.UNICAST));
        backend.apply(add("198.19.0.0/24", RouteType.THROW));
        backend.apply(add("fd19::/64", RouteType.THROW));
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_ADD 10.0.0.0/8 gateway link#9 flags UP,STATIC,PROTO1
                sysctl NET_RT_DUMP2
                RTM_ADD 198.19.0.0/24 gateway 192.168.1.1 flags UP,GATEWAY,STATIC,PROTO1
                RTM_ADD fd19::/64 gateway fe80::1%4 flags UP,GATEWAY,STATIC,PROTO1
                """);
    }

    @Test
    void shouldDeleteOnlyRoutesThatCarrySluicesMark() throws Exception {
        backend.apply(add("10.0.0.0/8", RouteType.UNICAST));
        kernel.clearTranscript();
        backend.apply(new Operation.DeleteRoute(route("10.0.0.0/8", RouteType.UNICAST)));
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_GET 10.0.0.0/8 ifp link#0
                RTM_DELETE 10.0.0.0/8
                """);
        kernel.clearTranscript();
        // 192.168.1.0/24 is the system's LAN route: a bypass prefix equal to it is never deleted
        assertThatThrownBy(
                        () ->
                                backend.apply(
                                        new Operation.DeleteRoute(
                                                route("192.168.1.0/24", RouteType.THROW))))
                .isInstanceOf(RouteException.class)
                .matches(e -> ((RouteException) e).alreadyInPlace(), "counts as done");
        assertThat(kernel.transcript()).isEqualTo("RTM_GET 192.168.1.0/24 ifp link#0\n");
        assertThat(kernel.routes()).anyMatch(line -> line.startsWith("192.168.1.0/24 link#4"));
    }

    @Test
    void shouldTreatAGoneRouteAsAlreadyDeleted() {
        assertThatThrownBy(
                        () ->
                                backend.apply(
                                        new Operation.DeleteRoute(
                                                route("10.0.0.0/8", RouteType.UNICAST))))
                .matches(e -> ((RouteException) e).alreadyInPlace());
        assertThat(kernel.transcript()).isEqualTo("RTM_GET 10.0.0.0/8 ifp link#0 -> ESRCH\n");
    }

    @Test
    void shouldRefuseATunnelRouteWhereAnotherProgramHoldsTheSamePrefix() {
        assertThatThrownBy(() -> backend.apply(add("192.168.1.0/24", RouteType.UNICAST)))
                .isInstanceOf(RouteException.class)
                .hasMessageContaining("not Sluice's")
                .hasMessageContaining("another VPN")
                .matches(e -> !((RouteException) e).alreadyInPlace());
    }

    @Test
    void shouldCountABypassRouteAsDoneWhereTheSystemsOwnRouteAlreadyLeavesTheTunnel() {
        assertThatThrownBy(() -> backend.apply(add("192.168.1.0/24", RouteType.THROW)))
                .matches(e -> ((RouteException) e).alreadyInPlace());
        assertThat(backend.bypassRoutes()).isEmpty();
    }

    @Test
    void shouldMoveBypassRoutesWhenThePrimaryGatewayChanges() throws Exception {
        backend.apply(add("198.19.0.0/24", RouteType.THROW));
        backend.apply(add("fd19::/64", RouteType.THROW));
        kernel.clearTranscript();
        Underlay next = new Underlay(Sockaddr.Inet.of("10.0.0.1"), Mac.EN1, null, 0);
        assertThat(backend.rederive(next))
                .containsExactly(
                        "bypass 198.19.0.0/24: 192.168.1.1 -> 10.0.0.1",
                        "bypass fd19::/64: fe80::1%4 -> (none)");
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_CHANGE 198.19.0.0/24 gateway 10.0.0.1 flags UP,GATEWAY,STATIC,PROTO1
                RTM_DELETE fd19::/64
                """);
        assertThat(backend.waiting(IpPrefix.parse("fd19::/64"))).isTrue();
        kernel.clearTranscript();
        backend.rederive(
                new Underlay(
                        Sockaddr.Inet.of("10.0.0.1"),
                        Mac.EN1,
                        Sockaddr.Inet.of("fe80::1%5"),
                        Mac.EN1));
        assertThat(kernel.transcript())
                .isEqualTo("RTM_ADD fd19::/64 gateway fe80::1%5 flags UP,GATEWAY,STATIC,PROTO1\n");
    }

    @Test
    void shouldLetABypassRouteWaitWhenItsFamilyHasNoDefaultRoute() throws Exception {
        FakeRoutingKernel v4only =
                new FakeRoutingKernel()
                        .withInterface("en0", Mac.EN0)
                        .withRoute(
                                "0.0.0.0/0",
                                Sockaddr.Inet.of("192.168.1.1"),
                                RouteFlags.RTF_GATEWAY,
                                "en0",
                                0)
                        .withRoute(
                                "192.168.1.0/24",
                                Sockaddr.Link.index(Mac.EN0),
                                RouteFlags.RTF_CLONING,
                                "en0",
                                0);
        DarwinRouteBackend backend = Mac.backend(v4only, Mac.noDns());
        backend.apply(add("fd19::/64", RouteType.THROW));
        assertThat(backend.waiting(IpPrefix.parse("fd19::/64"))).isTrue();
        backend.apply(new Operation.DeleteRoute(route("fd19::/64", RouteType.THROW)));
        assertThat(v4only.transcript()).isEqualTo("sysctl NET_RT_DUMP2\n");
    }

    @Test
    void shouldRefuseLinuxOnlyOperationsWithAClearSentence() {
        assertThatThrownBy(
                        () ->
                                backend.apply(
                                        new Operation.SetSysctl("net.ipv4.ip_forward", "1", "0")))
                .hasMessageContaining("not used on macOS");
        assertThatThrownBy(() -> backend.readSysctl("net.ipv4.ip_forward"))
                .hasMessageContaining("no sysctls on macOS");
    }
}

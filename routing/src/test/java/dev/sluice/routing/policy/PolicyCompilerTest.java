package dev.sluice.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {
    private static IpPrefix p(String text) {
        return IpPrefix.parse(text);
    }

    private static List<IpPrefix> ps(String... texts) {
        return java.util.Arrays.stream(texts).map(IpPrefix::parse).toList();
    }

    private static SplitPolicy policy(
            SplitMode mode,
            List<IpPrefix> tunnel,
            List<IpPrefix> bypass,
            List<List<IpPrefix>> peers) {
        return new SplitPolicy(
                mode, tunnel, bypass, peers, LocalNetworks.BYPASS, List.of(), List.of(), List.of());
    }

    private static Classification classify(CompiledPolicy compiled, String address) {
        Classification c = compiled.classify(IpPrefix.parseAddress(address));
        // The data path's compiled table must agree with the explanation.
        IpPrefix host = IpPrefix.parseAddress(address);
        int value =
                host.isIpv4()
                        ? compiled.forwarding().lookupV4(host.ipv4Address())
                        : compiled.forwarding().lookupV6(host.high(), host.low());
        assertThat(RouteValue.verdict(value)).isEqualTo(c.verdict());
        assertThat(RouteValue.peer(value)).isEqualTo(c.peerIndex());
        return c;
    }

    @Test
    void includeModeShouldTunnelListedPrefixesToTheLongestAllowedIpsPeer() {
        CompiledPolicy compiled =
                PolicyCompiler.compile(
                        policy(
                                SplitMode.INCLUDE,
                                ps("10.0.0.0/8", "fd10::/16"),
                                ps("10.99.0.0/16"),
                                List.of(ps("10.0.0.0/8", "fd10::/16"), ps("10.1.0.0/16"))));
        Classification corp = classify(compiled, "10.2.3.4");
        assertThat(corp.verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(corp.peerIndex()).isZero();
        assertThat(corp.matched()).isEqualTo(p("10.0.0.0/8"));
        assertThat(corp.source()).isEqualTo(DecisionSource.TUNNEL_LIST);
        assertThat(classify(compiled, "10.1.2.3").peerIndex()).isEqualTo(1);
        Classification carved = classify(compiled, "10.99.1.1");
        assertThat(carved.verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(carved.matched()).isEqualTo(p("10.99.0.0/16"));
        Classification internet = classify(compiled, "198.19.7.7");
        assertThat(internet.verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(internet.matched()).isNull();
        assertThat(internet.source()).isEqualTo(DecisionSource.DEFAULT);
        assertThat(classify(compiled, "fd10::7").verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(classify(compiled, "2001:db8::1").verdict()).isEqualTo(Verdict.BYPASS);
    }

    @Test
    void tunnelBoundAddressesNoPeerAcceptsShouldBeDropped() {
        CompiledPolicy compiled =
                PolicyCompiler.compile(
                        policy(
                                SplitMode.INCLUDE,
                                ps("10.0.0.0/8", "172.16.0.0/12"),
                                List.of(),
                                List.of(ps("10.0.0.0/8"))));
        Classification orphan = classify(compiled, "172.16.1.1");
        assertThat(orphan.verdict()).isEqualTo(Verdict.DROP);
        assertThat(orphan.noPeer()).isTrue();
        assertThat(orphan.matched()).isEqualTo(p("172.16.0.0/12"));
    }

    @Test
    void includeModeWithoutTunnelListShouldUseAllowedIps() {
        CompiledPolicy compiled =
                PolicyCompiler.compile(
                        policy(
                                SplitMode.INCLUDE,
                                List.of(),
                                List.of(),
                                List.of(ps("10.10.0.0/16"))));
        Classification c = classify(compiled, "10.10.9.9");
        assertThat(c.verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(c.source()).isEqualTo(DecisionSource.ALLOWED_IPS);
        assertThat(classify(compiled, "10.11.0.1").verdict()).isEqualTo(Verdict.BYPASS);
    }

    @Test
    void excludeModeShouldTunnelEverythingButBypassPrefixes() {
        CompiledPolicy compiled =
                PolicyCompiler.compile(
                        policy(
                                SplitMode.EXCLUDE,
                                List.of(),
                                ps("198.51.100.0/24", "2001:db8::/32"),
                                List.of(ps("0.0.0.0/0", "::/0"))));
        assertThat(classify(compiled, "8.8.8.8").verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(classify(compiled, "8.8.8.8").matched()).isNull();
        assertThat(classify(compiled, "198.51.100.7").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "2001:db8::5").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "2606:4700::1").verdict()).isEqualTo(Verdict.TUNNEL);
    }

    @Test
    void tunnelResolversShouldBeTunnelledEvenInsideABypassPrefix() {
        SplitPolicy policy =
                new SplitPolicy(
                        SplitMode.INCLUDE,
                        ps("10.60.0.0/16"),
                        ps("10.60.32.0/24"),
                        List.of(ps("10.0.0.0/8")),
                        LocalNetworks.BYPASS,
                        List.of(),
                        List.of(),
                        ps("10.60.32.10/32"));
        CompiledPolicy compiled = PolicyCompiler.compile(policy);
        Classification resolver = classify(compiled, "10.60.32.10");
        assertThat(resolver.verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(resolver.source()).isEqualTo(DecisionSource.DNS_SERVER);
        assertThat(resolver.peerIndex()).isZero();
        assertThat(classify(compiled, "10.60.32.11").verdict()).isEqualTo(Verdict.BYPASS);
    }

    @Test
    void specialRangesShouldNeverBeTunnelledEvenWhenListed() {
        CompiledPolicy compiled =
                PolicyCompiler.compile(
                        policy(
                                SplitMode.EXCLUDE,
                                ps("224.1.0.0/16", "127.0.0.0/8"),
                                List.of(),
                                List.of(ps("0.0.0.0/0", "::/0"))));
        assertThat(classify(compiled, "224.1.2.3").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "224.1.2.3").source()).isEqualTo(DecisionSource.SPECIAL);
        assertThat(classify(compiled, "127.0.0.1").verdict()).isEqualTo(Verdict.DROP);
        assertThat(classify(compiled, "255.255.255.255").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "169.254.1.1").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "ff01::1").verdict()).isEqualTo(Verdict.DROP);
        assertThat(classify(compiled, "ff02::fb").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "fe80::1").verdict()).isEqualTo(Verdict.BYPASS);
        assertThat(classify(compiled, "::1").verdict()).isEqualTo(Verdict.DROP);
        assertThat(classify(compiled, "0.1.2.3").verdict()).isEqualTo(Verdict.DROP);
    }

    @Test
    void localNetworksEndpointsAndLearnedRoutesShouldApplyInOrder() {
        // Learned routes go on top of the compiled policy (LearnedOverlay), admitted one by one.
        SplitPolicy base =
                new SplitPolicy(
                        SplitMode.EXCLUDE,
                        List.of(),
                        List.of(),
                        List.of(ps("0.0.0.0/0", "::/0")),
                        LocalNetworks.BYPASS,
                        ps("192.168.1.0/24"),
                        ps("203.0.113.5/32"),
                        List.of());
        CompiledPolicy compiled = PolicyCompiler.compile(base);
        LearnedOverlay learned =
                LearnedOverlay.build(
                        compiled,
                        List.of(
                                new LearnedRoute(p("192.168.1.77/32"), Verdict.TUNNEL),
                                new LearnedRoute(p("8.8.4.4/32"), Verdict.BYPASS),
                                new LearnedRoute(p("203.0.113.5/32"), Verdict.TUNNEL)));
        assertThat(classify(compiled, "192.168.1.10").source())
                .isEqualTo(DecisionSource.LOCAL_NETWORK);
        Classification lanHost = learned.classify(compiled, p("192.168.1.77/32"));
        assertThat(lanHost.verdict())
                .as("a learned tunnel route pulls in")
                .isEqualTo(Verdict.TUNNEL);
        assertThat(lanHost.source()).isEqualTo(DecisionSource.DOMAIN_TUNNEL);
        assertThat(lanHost.peerIndex()).isZero();
        assertThat(learned.table().lookupV4(p("192.168.1.77/32").ipv4Address()))
                .isEqualTo(RouteValue.of(Verdict.TUNNEL, DecisionSource.DOMAIN_TUNNEL, 0));
        assertThat(learned.classify(compiled, p("8.8.4.4/32")).verdict()).isEqualTo(Verdict.BYPASS);
        Classification endpoint = learned.classify(compiled, p("203.0.113.5/32"));
        assertThat(endpoint.source())
                .as("never tunnels its endpoint")
                .isEqualTo(DecisionSource.ENDPOINT);
        assertThat(endpoint.verdict()).isEqualTo(Verdict.BYPASS);

        CompiledPolicy lanTunnelled =
                PolicyCompiler.compile(
                        new SplitPolicy(
                                SplitMode.EXCLUDE,
                                List.of(),
                                List.of(),
                                List.of(ps("0.0.0.0/0")),
                                LocalNetworks.TUNNEL,
                                ps("192.168.1.0/24"),
                                List.of(),
                                List.of()));
        assertThat(classify(lanTunnelled, "192.168.1.10").verdict()).isEqualTo(Verdict.TUNNEL);
    }

    @Test
    void kernelRoutesShouldBeTheAggregatedVerdicts() {
        CompiledPolicy compiled =
                PolicyCompiler.compile(
                        policy(
                                SplitMode.INCLUDE,
                                ps("10.0.0.0/9", "10.128.0.0/9"),
                                List.of(),
                                List.of(ps("10.0.0.0/8"))));
        Map<IpPrefix, Verdict> routes = compiled.kernelRoutes();
        assertThat(routes).containsEntry(p("10.0.0.0/8"), Verdict.TUNNEL);
        assertThat(routes).containsEntry(p("0.0.0.0/0"), Verdict.BYPASS);
        assertThat(routes).doesNotContainKey(p("10.0.0.0/9"));
    }
}

package dev.sluice.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A learned bypass route never overrides a static tunnel decision; tunnel routes only pull in. */
class LearnedAdmissionTest {
    private static List<IpPrefix> ps(String... texts) {
        return java.util.Arrays.stream(texts).map(IpPrefix::parse).toList();
    }

    private static CompiledPolicy compile(
            SplitMode mode, List<IpPrefix> tunnel, List<IpPrefix> bypass, List<IpPrefix> allowed) {
        return PolicyCompiler.compile(
                new SplitPolicy(
                        mode,
                        tunnel,
                        bypass,
                        List.of(allowed),
                        LocalNetworks.BYPASS,
                        ps("192.168.1.0/24"),
                        ps("198.18.1.2/32"),
                        ps("10.60.32.53/32")));
    }

    private static String refusal(CompiledPolicy policy, String address, Verdict verdict) {
        return LearnedAdmission.refusal(
                policy, new LearnedRoute(IpPrefix.parseAddress(address), verdict));
    }

    private static final CompiledPolicy INCLUDE =
            compile(
                    SplitMode.INCLUDE,
                    ps("10.60.0.0/16", "203.0.113.0/24", "fd11::/16"),
                    ps("10.60.99.0/24"),
                    ps("10.0.0.0/8", "203.0.113.0/24", "fd00::/8"));

    private static final CompiledPolicy EXCLUDE =
            compile(SplitMode.EXCLUDE, List.of(), ps("198.51.100.0/24"), ps("0.0.0.0/0", "::/0"));

    @Test
    void shouldRefuseBypassAnswersForTunnelPrefixesPrivateOrPublicInIncludeMode() {
        assertThat(refusal(INCLUDE, "10.60.32.10", Verdict.BYPASS))
                .isEqualTo("a bypass answer cannot override tunnel-list 10.60.0.0/16");
        assertThat(refusal(INCLUDE, "203.0.113.7", Verdict.BYPASS))
                .isEqualTo("a bypass answer cannot override tunnel-list 203.0.113.0/24");
        assertThat(refusal(INCLUDE, "fd11::5", Verdict.BYPASS)).contains("tunnel-list fd11::/16");
        assertThat(refusal(INCLUDE, "10.60.32.53", Verdict.BYPASS))
                .as("a tunnel resolver")
                .contains("dns-server");
    }

    @Test
    void shouldRefuseBypassAnswersForTunnelBoundAddressesNoPeerAccepts() {
        CompiledPolicy narrow =
                compile(SplitMode.INCLUDE, ps("10.60.0.0/16"), List.of(), ps("10.60.32.0/24"));
        assertThat(narrow.classify(IpPrefix.parseAddress("10.60.40.1")).noPeer()).isTrue();
        assertThat(refusal(narrow, "10.60.40.1", Verdict.BYPASS)).contains("tunnel-list");
    }

    @Test
    void shouldRefuseBypassAnswersForAllowedIpsUsedAsTheTunnelList() {
        CompiledPolicy allowedAsList =
                compile(SplitMode.INCLUDE, List.of(), List.of(), ps("10.0.0.0/8"));
        assertThat(refusal(allowedAsList, "10.1.2.3", Verdict.BYPASS)).contains("allowed-ips");
    }

    @Test
    void shouldRefuseBypassAnswersForPrivateCgnatAndUlaAddressesInExcludeMode() {
        for (String address :
                List.of("10.1.2.3", "172.20.0.1", "192.168.7.7", "100.64.3.4", "fd12::1")) {
            assertThat(refusal(EXCLUDE, address, Verdict.BYPASS))
                    .as(address)
                    .isEqualTo("a bypass answer cannot take a private address out of the tunnel");
        }
        assertThat(refusal(EXCLUDE, "8.8.8.8", Verdict.BYPASS))
                .as("a public address: what BypassDomains is for")
                .isNull();
        assertThat(refusal(EXCLUDE, "2606:4700::1", Verdict.BYPASS)).isNull();
    }

    @Test
    void shouldAdmitBypassAnswersWhereTheStaticVerdictIsNotTunnel() {
        assertThat(refusal(INCLUDE, "8.8.8.8", Verdict.BYPASS)).isNull();
        assertThat(refusal(INCLUDE, "10.60.99.4", Verdict.BYPASS))
                .as("inside an explicit Bypass prefix")
                .isNull();
        assertThat(refusal(EXCLUDE, "192.168.1.20", Verdict.BYPASS))
                .as("the attached LAN bypasses anyway")
                .isNull();
    }

    @Test
    void shouldAdmitTunnelAnswersAnywhereButSpecialRangesAndEndpoints() {
        assertThat(refusal(INCLUDE, "8.8.8.8", Verdict.TUNNEL)).isNull();
        assertThat(refusal(INCLUDE, "10.60.99.4", Verdict.TUNNEL)).isNull();
        assertThat(refusal(INCLUDE, "192.168.1.20", Verdict.TUNNEL)).isNull();
        assertThat(refusal(INCLUDE, "10.60.32.10", Verdict.TUNNEL)).isNull();
        assertThat(refusal(INCLUDE, "127.0.0.1", Verdict.TUNNEL)).startsWith("special-purpose");
        assertThat(refusal(INCLUDE, "0.0.0.0", Verdict.BYPASS)).startsWith("special-purpose");
        assertThat(refusal(INCLUDE, "198.18.1.2", Verdict.TUNNEL)).contains("endpoint");
    }

    @Test
    void theOverlayShouldApplyOnlyAdmittedRoutes() {
        LearnedOverlay overlay =
                LearnedOverlay.build(
                        INCLUDE,
                        List.of(
                                new LearnedRoute(IpPrefix.parse("10.60.32.10/32"), Verdict.BYPASS),
                                new LearnedRoute(IpPrefix.parse("8.8.8.8/32"), Verdict.TUNNEL),
                                new LearnedRoute(IpPrefix.parse("1.1.1.1/32"), Verdict.BYPASS)));
        assertThat(overlay.size()).isEqualTo(2);
        assertThat(overlay.classify(INCLUDE, IpPrefix.parse("10.60.32.10/32")).verdict())
                .isEqualTo(Verdict.TUNNEL);
        assertThat(overlay.classify(INCLUDE, IpPrefix.parse("10.60.32.10/32")).source())
                .isEqualTo(DecisionSource.TUNNEL_LIST);
        Classification pulledIn = overlay.classify(INCLUDE, IpPrefix.parse("8.8.8.8/32"));
        assertThat(pulledIn.verdict()).as("outside every AllowedIPs").isEqualTo(Verdict.DROP);
        assertThat(pulledIn.noPeer()).isTrue();
        assertThat(overlay.kernelRoutes(INCLUDE, INCLUDE.kernelRoutes()))
                .containsEntry(IpPrefix.parse("8.8.8.8/32"), Verdict.DROP)
                .doesNotContainKey(IpPrefix.parse("1.1.1.1/32"))
                .doesNotContainKey(IpPrefix.parse("10.60.32.10/32"));
    }
}

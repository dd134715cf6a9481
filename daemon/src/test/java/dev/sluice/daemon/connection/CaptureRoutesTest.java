package dev.sluice.daemon.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.manager.TranscriptBackend;
import org.junit.jupiter.api.Test;

/** Golden transcripts of connect and disconnect with the capture strategy. */
class CaptureRoutesTest {
    static SluiceConfig config(String split) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32, fd66::2/128
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = 198.18.1.2:51820
                [Split]
                """
                                + split)
                .orThrow();
    }

    @Test
    void connectAndDisconnectShouldProduceTheGoldenTranscripts() throws Exception {
        TranscriptBackend backend =
                new TranscriptBackend().withSysctl("net.ipv4.conf.sluice0.accept_local", "0");
        RouteManager manager = new RouteManager(backend);
        manager.set(CaptureRoutes.desired(config(""), "sluice0", Ipv6Forwarding.PER_INTERFACE));
        assertThat(backend.transcript())
                .isEqualTo(
                        """
                sysctl net.ipv4.conf.sluice0.forwarding=1 (was 0)
                sysctl net.ipv4.conf.sluice0.accept_local=1 (was 0)
                sysctl net.ipv4.conf.all.src_valid_mark=1 (was 0)
                sysctl net.ipv6.conf.sluice0.force_forwarding=1 (was 0)
                nft add table inet sluice
                route add 0.0.0.0/0 dev sluice0 table 51820
                route add ::/0 dev sluice0 table 51820
                rule add ipv4 pref 5100 iif sluice0 lookup main
                rule add ipv4 pref 5200 fwmark 0x51c lookup main
                rule add ipv4 pref 5300 lookup main suppress_prefixlength 0
                rule add ipv4 pref 5400 lookup 51820
                rule add ipv6 pref 5100 iif sluice0 lookup main
                rule add ipv6 pref 5200 fwmark 0x51c lookup main
                rule add ipv6 pref 5300 lookup main suppress_prefixlength 0
                rule add ipv6 pref 5400 lookup 51820
                """);
        backend.clear();
        manager.set(DesiredState.EMPTY);
        assertThat(backend.transcript())
                .isEqualTo(
                        """
                rule del ipv6 pref 5400 lookup 51820
                rule del ipv6 pref 5300 lookup main suppress_prefixlength 0
                rule del ipv6 pref 5200 fwmark 0x51c lookup main
                rule del ipv6 pref 5100 iif sluice0 lookup main
                rule del ipv4 pref 5400 lookup 51820
                rule del ipv4 pref 5300 lookup main suppress_prefixlength 0
                rule del ipv4 pref 5200 fwmark 0x51c lookup main
                rule del ipv4 pref 5100 iif sluice0 lookup main
                route del ::/0 dev sluice0 table 51820
                route del 0.0.0.0/0 dev sluice0 table 51820
                nft delete table inet sluice
                sysctl net.ipv6.conf.sluice0.force_forwarding=0 (was 1)
                sysctl net.ipv4.conf.all.src_valid_mark=0 (was 1)
                sysctl net.ipv4.conf.sluice0.accept_local=0 (was 1)
                sysctl net.ipv4.conf.sluice0.forwarding=0 (was 1)
                """);
    }

    @Test
    void localNetworksTunnelShouldOmitTheSuppressRuleAndKeptSysctlsAreNotTouched()
            throws Exception {
        TranscriptBackend backend =
                new TranscriptBackend().withSysctl("net.ipv4.conf.sluice0.forwarding", "1");
        RouteManager manager = new RouteManager(backend);
        manager.set(
                CaptureRoutes.desired(
                        config("LocalNetworks = tunnel\n"),
                        "sluice0",
                        Ipv6Forwarding.PER_INTERFACE));
        assertThat(backend.transcript())
                .doesNotContain("suppress_prefixlength", "sluice0.forwarding");
        manager.set(DesiredState.EMPTY);
        assertThat(backend.transcript()).doesNotContain("sluice0.forwarding");
    }

    @Test
    void shouldNeverSwitchOnGlobalForwardingWhenTheKernelForwardsPerInterface() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        new RouteManager(backend)
                .set(CaptureRoutes.desired(config(""), "sluice0", Ipv6Forwarding.PER_INTERFACE));
        assertThat(backend.transcript())
                .doesNotContain("ip_forward", "all.forwarding", "accept_ra")
                .doesNotContain("ct state new counter drop");
    }

    @Test
    void shouldKeepRouterAdvertisementsAndGuardForwardingWhenIpv6ForwardingMustBeGlobal()
            throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        RouteManager manager = new RouteManager(backend);
        DesiredState desired =
                CaptureRoutes.desired(
                        config(""),
                        "sluice0",
                        Ipv6Forwarding.global(true, java.util.List.of("eth0", "wlan0/100")));
        manager.set(desired);
        assertThat(backend.transcript())
                .contains(
                        """
                sysctl net.ipv6.conf.eth0.accept_ra=2 (was 0)
                sysctl net.ipv6.conf.wlan0/100.accept_ra=2 (was 0)
                sysctl net.ipv6.conf.all.forwarding=1 (was 0)
                """)
                .doesNotContain("force_forwarding", "ip_forward");
        assertThat(desired.firewall().script())
                .contains("meta nfproto ipv6 ct state new counter drop");
        backend.clear();
        manager.set(DesiredState.EMPTY);
        assertThat(backend.transcript())
                .contains(
                        """
                sysctl net.ipv6.conf.all.forwarding=0 (was 1)
                sysctl net.ipv6.conf.wlan0/100.accept_ra=0 (was 2)
                sysctl net.ipv6.conf.eth0.accept_ra=0 (was 2)
                """);
        assertThat(
                        CaptureRoutes.desired(
                                        config(""),
                                        "sluice0",
                                        Ipv6Forwarding.global(false, java.util.List.of()))
                                .firewall()
                                .script())
                .as("forwarding was on before: the host's own business")
                .doesNotContain("meta nfproto ipv6 ct state new");
    }

    @Test
    void theFirewallShouldMasqueradeOnlyReinjectedPacketsAndRestrictForwarding() throws Exception {
        String script = CaptureFirewall.table(config(""), "sluice0", false).script();
        assertThat(script)
                .contains(
                        "oifname \"sluice0\" notrack",
                        "iifname \"sluice0\" ct state new ct mark set 0x51c",
                        "ct mark 0x51c meta mark set ct mark",
                        "meta l4proto udp meta mark 0x51c ct mark set meta mark",
                        "iifname \"sluice0\" ip saddr 10.66.0.2 masquerade",
                        "iifname \"sluice0\" ip6 saddr fd66::2 masquerade",
                        "oifname \"sluice0\" meta l4proto { tcp, udp } update @flows4 { ip saddr"
                                + " . ip daddr . meta l4proto . th sport . th dport }",
                        "oifname \"sluice0\" meta l4proto != { tcp, udp } update @hosts6 { ip6"
                                + " saddr . ip6 daddr . meta l4proto }",
                        "iifname \"sluice0\" ct state established,related accept",
                        "iifname \"sluice0\" meta l4proto { tcp, udp } ip saddr . ip daddr ."
                                + " meta l4proto . th sport . th dport @flows4 accept",
                        "iifname \"sluice0\" counter drop",
                        "iifname != \"lo\" ip daddr 10.66.0.2 meta l4proto { tcp, udp } th dport"
                                + " 53 counter drop",
                        "iifname != \"lo\" ip6 daddr fd66::2 meta l4proto { tcp, udp } th dport"
                                + " 53 counter drop");
        assertThat(script)
                .as("nothing from the tun is forwarded just for claiming a local source")
                .doesNotContain("iifname \"sluice0\" accept", "fib saddr");
        assertThat(script.indexOf("ct state established,related accept"))
                .isLessThan(script.indexOf("iifname \"sluice0\" counter drop"));
    }

    @Test
    void aFailedStepShouldUndoEverythingAlreadyDone() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        RouteManager manager = new RouteManager(backend);
        backend.failOn("rule add ipv6 pref 5100");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                manager.set(
                                        CaptureRoutes.desired(
                                                config(""),
                                                "sluice0",
                                                Ipv6Forwarding.PER_INTERFACE)))
                .hasMessageContaining(
                        "rule add ipv6 pref 5100 iif sluice0 lookup main: injected failure");
        String transcript = backend.transcript();
        assertThat(transcript)
                .endsWith(
                        """
                rule del ipv4 pref 5400 lookup 51820
                rule del ipv4 pref 5300 lookup main suppress_prefixlength 0
                rule del ipv4 pref 5200 fwmark 0x51c lookup main
                rule del ipv4 pref 5100 iif sluice0 lookup main
                route del ::/0 dev sluice0 table 51820
                route del 0.0.0.0/0 dev sluice0 table 51820
                nft delete table inet sluice
                sysctl net.ipv6.conf.sluice0.force_forwarding=0 (was 1)
                sysctl net.ipv4.conf.all.src_valid_mark=0 (was 1)
                sysctl net.ipv4.conf.sluice0.accept_local=0 (was 1)
                sysctl net.ipv4.conf.sluice0.forwarding=0 (was 1)
                """);
        assertThat(manager.current().isEmpty()).isTrue();
    }
}

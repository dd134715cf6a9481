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
        manager.set(CaptureRoutes.desired(config(""), "sluice0", true));
        assertThat(backend.transcript())
                .isEqualTo(
                        """
                sysctl net.ipv4.ip_forward=1 (was 0)
                sysctl net.ipv4.conf.sluice0.accept_local=1 (was 0)
                sysctl net.ipv4.conf.all.src_valid_mark=1 (was 0)
                sysctl net.ipv6.conf.all.forwarding=1 (was 0)
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
                sysctl net.ipv6.conf.all.forwarding=0 (was 1)
                sysctl net.ipv4.conf.all.src_valid_mark=0 (was 1)
                sysctl net.ipv4.conf.sluice0.accept_local=0 (was 1)
                sysctl net.ipv4.ip_forward=0 (was 1)
                """);
    }

    @Test
    void localNetworksTunnelShouldOmitTheSuppressRuleAndKeptSysctlsAreNotTouched()
            throws Exception {
        TranscriptBackend backend = new TranscriptBackend().withSysctl("net.ipv4.ip_forward", "1");
        RouteManager manager = new RouteManager(backend);
        manager.set(CaptureRoutes.desired(config("LocalNetworks = tunnel\n"), "sluice0", false));
        assertThat(backend.transcript()).doesNotContain("suppress_prefixlength", "ip_forward");
        manager.set(DesiredState.EMPTY);
        assertThat(backend.transcript()).doesNotContain("ip_forward");
    }

    @Test
    void theFirewallShouldMasqueradeOnlyReinjectedPacketsAndRestrictForwarding() throws Exception {
        String script = CaptureRoutes.firewall(config(""), "sluice0", true).script();
        assertThat(script)
                .contains(
                        "oifname \"sluice0\" notrack",
                        "iifname \"sluice0\" ct state new ct mark set 0x51c",
                        "ct mark 0x51c meta mark set ct mark",
                        "meta l4proto udp meta mark 0x51c ct mark set meta mark",
                        "iifname \"sluice0\" ip saddr 10.66.0.2 masquerade",
                        "iifname \"sluice0\" ip6 saddr fd66::2 masquerade",
                        "iifname \"sluice0\" accept",
                        "ct state new drop");
        assertThat(CaptureRoutes.firewall(config(""), "sluice0", false).script())
                .doesNotContain("ct state new drop");
    }

    @Test
    void aFailedStepShouldUndoEverythingAlreadyDone() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        RouteManager manager = new RouteManager(backend);
        backend.failOn("rule add ipv6 pref 5100");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> manager.set(CaptureRoutes.desired(config(""), "sluice0", true)))
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
                sysctl net.ipv6.conf.all.forwarding=0 (was 1)
                sysctl net.ipv4.conf.all.src_valid_mark=0 (was 1)
                sysctl net.ipv4.conf.sluice0.accept_local=0 (was 1)
                sysctl net.ipv4.ip_forward=0 (was 1)
                """);
        assertThat(manager.current().isEmpty()).isTrue();
    }
}

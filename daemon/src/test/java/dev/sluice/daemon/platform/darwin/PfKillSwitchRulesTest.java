package dev.sluice.daemon.platform.darwin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.ValueRanges;
import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.policy.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The anchor's exact text (pf.conf(5) syntax) for representative configurations. */
class PfKillSwitchRulesTest {
    private static final List<IpPrefix> LAN =
            List.of(IpPrefix.parse("192.168.1.0/24"), IpPrefix.parse("fd18::/64"));

    static SluiceConfig twoPeers(String secondEndpoint) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32, fd66::2/128
                KillSwitch = on
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 10.0.0.0/8
                Endpoint = 198.18.1.2:51820
                [Peer]
                PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
                AllowedIPs = fd00::/8
                Endpoint = %s
                [Split]
                Strategy = kernel
                """
                                .formatted(secondEndpoint))
                .orThrow();
    }

    @Test
    void shouldLetOnlyTheUtunTheEndpointsAndTheAllowedListOutWhenLocalNetworksTunnel()
            throws Exception {
        FirewallTable anchor =
                PfKillSwitchRules.anchor(
                        "utun4", 0, twoPeers("[2001:db8::7]:443").peers(), List.of(), List.of());
        assertThat(anchor.family()).isEqualTo("pf");
        assertThat(anchor.name()).isEqualTo("com.apple/250.SluiceKillSwitch");
        assertThat(anchor.script())
                .isEqualTo(
                        """
                        # sluice kill switch: only utun4 carries what the policy tunnels
                        pass out quick on lo0 all no state
                        pass out quick on utun4 all no state
                        pass out quick proto udp from any to 198.18.1.2 port 51820 user 0 no state
                        pass out quick proto udp from any to 2001:db8::7 port 443 user 0 no state
                        pass out quick proto { tcp, udp } from any to any port 53 user 0 no state
                        block return out quick proto { tcp, udp } from any to any port 53
                        pass out quick inet proto udp from any port 68 to any port 67 no state
                        pass out quick inet6 proto udp from any port 546 to any port 547 no state
                        pass out quick inet6 proto icmp6 from any to any \
                        icmp6-type { 133, 134, 135, 136, 137, 143 } no state
                        block return out quick all
                        """);
    }

    @Test
    void shouldAllowTheAttachedNetworksOfBothFamiliesWhenLocalNetworksBypass() throws Exception {
        FirewallTable anchor =
                PfKillSwitchRules.anchor(
                        "utun4", 0, twoPeers("[2001:db8::7]:443").peers(), LAN, List.of());
        assertThat(anchor.script())
                .startsWith(
                        """
                        # sluice kill switch: only utun4 carries what the policy tunnels
                        table <sluice_local> const { 192.168.1.0/24, fd18::/64 }
                        pass out quick on lo0 all no state
                        """)
                .endsWith(
                        """
                        icmp6-type { 133, 134, 135, 136, 137, 143 } no state
                        pass out quick from any to <sluice_local> no state
                        block return out quick all
                        """);
    }

    @Test
    void shouldAllowTheBypassRangesAsCidrBlocksWhileConnected() throws Exception {
        List<ValueRanges.Range> bypass =
                ValueRanges.of(
                        Map.of(
                                IpPrefix.parse("0.0.0.0/0"), Verdict.BYPASS,
                                IpPrefix.parse("10.0.0.0/8"), Verdict.TUNNEL),
                        IpFamily.IPV4,
                        Verdict.BYPASS);
        FirewallTable anchor =
                PfKillSwitchRules.anchor(
                        "utun4", 501, twoPeers("vpn.example.com:51820").peers(), LAN, bypass);
        assertThat(anchor.script())
                .contains(
                        "table <sluice_bypass> const { 0.0.0.0/5, 8.0.0.0/7, 11.0.0.0/8,"
                                + " 12.0.0.0/6, 16.0.0.0/4, 32.0.0.0/3, 64.0.0.0/2, 128.0.0.0/1 }\n",
                        "pass out quick from any to <sluice_local> no state\n"
                                + "pass out quick from any to <sluice_bypass> no state\n"
                                + "block return out quick all\n")
                .as("an endpoint given by name is matched by port and owner only")
                .contains(
                        "pass out quick proto udp from any to 198.18.1.2 port 51820 user 501"
                                + " no state\n"
                                + "pass out quick proto udp from any to any port 51820 user 501"
                                + " no state\n"
                                + "pass out quick proto { tcp, udp } from any to any port 53"
                                + " user 501 no state\n");
    }

    @Test
    void shouldLeaveTheUtunOutWhileThereIsNone() throws Exception {
        FirewallTable anchor =
                PfKillSwitchRules.anchor(
                        null, 0, twoPeers("vpn.example.com:4500").peers(), List.of(), List.of());
        assertThat(anchor.script())
                .startsWith("# sluice kill switch: only the tunnel carries")
                .doesNotContain(" on utun")
                .contains("pass out quick proto udp from any to any port 4500 user 0 no state\n");
    }

    @Test
    void shouldCoverARangeWithTheFewestBlocks() {
        ValueRanges.Range v6 =
                ValueRanges.of(
                                Map.of(
                                        IpPrefix.parse("::/0"), Verdict.BYPASS,
                                        IpPrefix.parse("::/1"), Verdict.TUNNEL,
                                        IpPrefix.parse("8000::/1"), Verdict.TUNNEL,
                                        IpPrefix.parse("2001:db8::/32"), Verdict.BYPASS),
                                IpFamily.IPV6,
                                Verdict.BYPASS)
                        .get(0);
        assertThat(PfKillSwitchRules.blocks(v6)).containsExactly(IpPrefix.parse("2001:db8::/32"));
    }
}

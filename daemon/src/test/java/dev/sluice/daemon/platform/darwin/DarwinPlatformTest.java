package dev.sluice.daemon.platform.darwin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.routing.IpPrefix;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DarwinPlatformTest {
    private static SluiceConfig config(String iface, String split) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32
                """
                                + iface
                                + """
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 10.0.0.0/8
                [Split]
                """
                                + split)
                .orThrow();
    }

    @Test
    void shouldRefuseTheCaptureStrategyWithOneSentenceSayingWhy() throws Exception {
        List<String> problems =
                new DarwinPlatform().configProblems(config("", "Strategy = capture\n"));
        assertThat(problems).containsExactly(DarwinPlatform.NO_CAPTURE);
        assertThat(problems.get(0))
                .startsWith("Strategy = capture cannot work on macOS: ")
                .contains("utun", "Strategy = kernel")
                .doesNotContain(". ");
    }

    @Test
    void shouldAcceptTheKernelStrategyAndAKillSwitch() throws Exception {
        DarwinPlatform darwin = new DarwinPlatform();
        assertThat(darwin.configProblems(config("", "Strategy = kernel\n"))).isEmpty();
        assertThat(darwin.configProblems(config("KillSwitch = on\n", "Strategy = kernel\n")))
                .isEmpty();
        assertThat(darwin.configProblems(config("KillSwitch = always\n", "Strategy = kernel\n")))
                .isEmpty();
    }

    @Test
    void shouldKeepTheKillSwitchInAPfAnchorTheSystemRulesetEvaluates() {
        Firewall firewall = new DarwinPlatform().firewall();
        assertThat(firewall).isInstanceOf(PfFirewall.class);
        assertThat(firewall.killSwitchFamily()).isEqualTo("pf");
        assertThat(firewall.killSwitchName())
                .as("/etc/pf.conf evaluates anchor \"com.apple/*\"")
                .startsWith("com.apple/")
                .isEqualTo(PfKillSwitchRules.ANCHOR);
    }

    @Test
    void shouldPickDarwinFromTheOsNameMacOsReports() {
        assertThat(Platforms.isDarwin("Mac OS X")).isTrue();
        assertThat(Platforms.isDarwin("Linux")).isFalse();
        assertThat(Platforms.current().name()).isEqualTo("linux");
    }

    @Test
    void shouldFindTheAttachedNetworksAmongTheInterfaceRoutes() {
        byte[] dump = RouteDumpTest.DUMP;
        List<RoutingMessage.Route> routes =
                RoutingMessageCodec.decodeAll(ByteBuffer.wrap(dump), 0, dump.length).stream()
                        .filter(RoutingMessage.Route.class::isInstance)
                        .map(RoutingMessage.Route.class::cast)
                        .toList();
        assertThat(DarwinPlatform.attachedNetworks(routes, Mac.UTUN))
                .containsExactly(IpPrefix.parse("192.168.1.0/24"));
    }
}

package dev.sluice.daemon.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.Verdict;
import dev.sluice.routing.trie.PrefixTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel strategy's route set routes every address as the userspace policy decides. */
class KernelRoutesTest {
    private static final Path CORP_850 = Path.of("..", "fixtures", "corp-850.cidrs");
    private static final int TO_TUN = 0;
    private static final int THROW = 1;

    private static SluiceConfig config(String split) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32, fd66::2/128
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 10.0.0.0/8, fd00::/8
                Endpoint = 198.18.1.2:51820
                [Split]
                Strategy = kernel
                """
                                + split)
                .orThrow();
    }

    private static CompiledPolicy policy(SluiceConfig config) {
        return PolicyCompiler.compile(
                config.splitPolicy()
                        .withMachine(List.of(), List.of(IpPrefix.parseAddress("198.18.1.2"))));
    }

    @Test
    void includeModeWithCorp850ShouldRouteEveryAddressAsTheUserspacePolicy() throws Exception {
        SluiceConfig config =
                config("Mode = include\nTunnel = @" + CORP_850.toAbsolutePath() + "\n");
        CompiledPolicy policy = policy(config);
        DesiredState desired =
                KernelRoutes.desired(
                        config, "sluice0", Ipv6Forwarding.PER_INTERFACE, policy.kernelRoutes());
        assertThat(desired.rules())
                .isEqualTo(
                        CaptureRoutes.desired(config, "sluice0", Ipv6Forwarding.PER_INTERFACE)
                                .rules());
        assertThat(desired.routes().size())
                .as("aggregated routes for 850 prefixes")
                .isBetween(1, 849);
        PrefixTable.Builder kernel = PrefixTable.builder();
        for (RouteEntry route : desired.routes()) {
            assertThat(route.table()).isEqualTo(51820);
            kernel.put(route.destination(), route.type() == RouteType.THROW ? THROW : TO_TUN);
        }
        PrefixTable routes = kernel.build();
        Random random = new Random(850);
        for (int i = 0; i < 200_000; i++) {
            int v4 = random.nextInt();
            long high =
                    random.nextBoolean()
                            ? random.nextLong()
                            : 0xfd11_1d80_0000_0000L | (random.nextLong() >>> 24);
            long low = random.nextLong();
            check(policy, routes.lookupV4(v4), IpPrefix.hostV4(v4));
            check(policy, routes.lookupV6(high, low), IpPrefix.hostV6(high, low));
        }
    }

    /**
     * No route or throw: the next rule (main) routes it, a bypass; a route to the tun: userspace.
     */
    private static void check(CompiledPolicy policy, int kernelValue, IpPrefix address) {
        Verdict verdict = policy.classify(address).verdict();
        boolean toTun = kernelValue == TO_TUN;
        assertThat(toTun).as(address + " is " + verdict).isEqualTo(verdict != Verdict.BYPASS);
    }

    @Test
    void excludeModeShouldSendTheDefaultToTheTunAndThrowTheBypassList() throws Exception {
        SluiceConfig config = config("Mode = exclude\nBypass = 198.19.0.0/24, fd19::/64\n");
        DesiredState desired =
                KernelRoutes.desired(
                        config,
                        "sluice0",
                        Ipv6Forwarding.PER_INTERFACE,
                        policy(config).kernelRoutes());
        assertThat(desired.routes())
                .contains(
                        RouteEntry.viaDevice(IpPrefix.parse("0.0.0.0/0"), "sluice0", 51820),
                        new RouteEntry(
                                IpPrefix.parse("198.19.0.0/24"), RouteType.THROW, null, 51820),
                        new RouteEntry(IpPrefix.parse("fd19::/64"), RouteType.THROW, null, 51820),
                        new RouteEntry(
                                IpPrefix.parse("198.18.1.2/32"), RouteType.THROW, null, 51820));
    }
}

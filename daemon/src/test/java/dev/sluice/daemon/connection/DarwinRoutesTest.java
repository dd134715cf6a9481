package dev.sluice.daemon.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.dns.DomainRules;
import dev.sluice.daemon.dns.HostResolver;
import dev.sluice.daemon.dns.MacHostResolver;
import dev.sluice.daemon.platform.darwin.DarwinHostDns;
import dev.sluice.daemon.platform.darwin.DarwinRouteBackend;
import dev.sluice.daemon.platform.darwin.DarwinSystemState;
import dev.sluice.daemon.platform.darwin.DynamicStoreDns;
import dev.sluice.daemon.platform.darwin.FakeRoutingKernel;
import dev.sluice.daemon.platform.darwin.FakeScutil;
import dev.sluice.daemon.platform.darwin.Mac;
import dev.sluice.daemon.platform.darwin.RouteFlags;
import dev.sluice.daemon.platform.darwin.RoutingClient;
import dev.sluice.daemon.platform.darwin.ScutilScript;
import dev.sluice.daemon.platform.darwin.Sockaddr;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.Journal;
import dev.sluice.routing.journal.Recovery;
import dev.sluice.routing.journal.StateDirectory;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.policy.PolicyCompiler;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden transcripts of Sluice on macOS: the routing-socket messages the darwin backend sends to an
 * in-memory kernel (decoded from the bytes written, with the same codec) for connect, disconnect,
 * reload, a network change and a crash followed by {@code sluice recover}. The Mac is on en0
 * (router 192.168.1.1, IPv6 router fe80::1%4) with Sluice's utun9; see {@link Mac}.
 */
class DarwinRoutesTest {
    @TempDir Path state;
    @TempDir Path resolverDirectory;

    private final FakeRoutingKernel kernel = Mac.onEn0();
    private final FakeScutil scutil =
            new FakeScutil().withKey(ScutilScript.GLOBAL_DNS, "ServerAddresses", "192.168.1.1");

    static SluiceConfig config(String split) throws Exception {
        return config("", split);
    }

    static SluiceConfig config(String iface, String split) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32, fd66::2/128
                """
                                + iface
                                + """
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = 198.18.1.2:51820
                [Split]
                Strategy = kernel
                """
                                + split)
                .orThrow();
    }

    private static DesiredState desired(SluiceConfig config) {
        return DarwinRoutes.desired(
                config,
                "utun9",
                PolicyCompiler.compile(
                                config.splitPolicy()
                                        .withMachine(
                                                List.of(),
                                                List.of(IpPrefix.parseAddress("198.18.1.2"))))
                        .kernelRoutes());
    }

    private DarwinRouteBackend backend() {
        return Mac.backend(kernel, new DarwinHostDns(new DynamicStoreDns(scutil)));
    }

    private DarwinSystemState stateReader() {
        return new DarwinSystemState(
                () -> new RoutingClient(kernel.open()),
                resolverDirectory,
                new DynamicStoreDns(scutil));
    }

    private static final String EXCLUDE = "Mode = exclude\nBypass = 198.19.0.0/24, fd19::/64\n";

    @Test
    void connectAndDisconnectShouldProduceTheGoldenTranscripts() throws Exception {
        RouteManager manager = new RouteManager(backend());
        manager.set(desired(config(EXCLUDE)));
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_ADD 0.0.0.0/1 gateway link#9 flags UP,STATIC,PROTO1
                RTM_ADD 128.0.0.0/1 gateway link#9 flags UP,STATIC,PROTO1
                sysctl NET_RT_DUMP2
                RTM_ADD 198.18.1.2/32 gateway 192.168.1.1 flags UP,GATEWAY,HOST,STATIC,PROTO1
                RTM_ADD 198.19.0.0/24 gateway 192.168.1.1 flags UP,GATEWAY,STATIC,PROTO1
                RTM_ADD ::/1 gateway link#9 flags UP,STATIC,PROTO1
                RTM_ADD 8000::/1 gateway link#9 flags UP,STATIC,PROTO1
                RTM_ADD fd19::/64 gateway fe80::1%4 flags UP,GATEWAY,STATIC,PROTO1
                """);
        kernel.clearTranscript();
        manager.set(DesiredState.EMPTY);
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_GET fd19::/64 ifp link#0
                RTM_DELETE fd19::/64
                RTM_GET 8000::/1 ifp link#0
                RTM_DELETE 8000::/1
                RTM_GET ::/1 ifp link#0
                RTM_DELETE ::/1
                RTM_GET 198.19.0.0/24 ifp link#0
                RTM_DELETE 198.19.0.0/24
                RTM_GET 198.18.1.2/32 ifp link#0 flags HOST
                RTM_DELETE 198.18.1.2/32 flags HOST
                RTM_GET 128.0.0.0/1 ifp link#0
                RTM_DELETE 128.0.0.0/1
                RTM_GET 0.0.0.0/1 ifp link#0
                RTM_DELETE 0.0.0.0/1
                """);
        assertThat(kernel.routes()).isEqualTo(Mac.onEn0().routes());
    }

    @Test
    void reloadShouldAddTheNewRoutesBeforeDeletingTheOldOnes() throws Exception {
        RouteManager manager = new RouteManager(backend());
        manager.set(desired(config(EXCLUDE)));
        kernel.clearTranscript();
        manager.set(desired(config("Mode = exclude\nBypass = 198.19.0.0/16, fd19::/64\n")));
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_ADD 198.19.0.0/16 gateway 192.168.1.1 flags UP,GATEWAY,STATIC,PROTO1
                RTM_GET 198.19.0.0/24 ifp link#0
                RTM_DELETE 198.19.0.0/24
                """);
    }

    @Test
    void aNetworkChangeShouldMoveTheBypassRoutesAndRehandshake() throws Exception {
        DarwinRouteBackend backend = backend();
        RouteManager manager = new RouteManager(backend);
        manager.set(desired(config(EXCLUDE)));
        AtomicInteger rehandshakes = new AtomicInteger();
        var monitor = Mac.monitor(kernel, backend, manager, rehandshakes::incrementAndGet, () -> 0);
        // Wi-Fi to Ethernet: the system moves its default routes to en1's router
        kernel.otherProgram(RouteFlags.RTM_DELETE, "0.0.0.0/0", null);
        kernel.otherProgram(RouteFlags.RTM_ADD, "0.0.0.0/0", Sockaddr.Inet.of("10.0.0.1"));
        kernel.otherProgram(RouteFlags.RTM_DELETE, "::/0", null);
        kernel.otherProgram(RouteFlags.RTM_ADD, "::/0", Sockaddr.Inet.of("fe80::1%5"));
        kernel.clearTranscript();
        monitor.check();
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                sysctl NET_RT_DUMP2
                RTM_CHANGE 198.18.1.2/32 gateway 10.0.0.1 flags UP,GATEWAY,HOST,STATIC,PROTO1
                RTM_CHANGE 198.19.0.0/24 gateway 10.0.0.1 flags UP,GATEWAY,STATIC,PROTO1
                RTM_CHANGE fd19::/64 gateway fe80::1%5 flags UP,GATEWAY,STATIC,PROTO1
                """);
        assertThat(rehandshakes).hasValue(1);
        kernel.clearTranscript();
        monitor.check();
        assertThat(kernel.transcript())
                .as("nothing moves twice")
                .isEqualTo("sysctl NET_RT_DUMP2\n");
        assertThat(rehandshakes).hasValue(1);
    }

    @Test
    void aRouteAnotherProgramDeletesShouldComeBackThroughTheJournal() throws Exception {
        DarwinRouteBackend backend = backend();
        Journal journal = StateDirectory.begin(state, DarwinSystemState.ownership(), stateReader());
        RouteManager manager = new RouteManager(backend, journal);
        manager.set(desired(config(EXCLUDE)));
        long records = journal.records();
        var monitor = Mac.monitor(kernel, backend, manager, () -> {}, () -> 0);
        kernel.otherProgram(RouteFlags.RTM_DELETE, "128.0.0.0/1", null);
        kernel.clearTranscript();
        monitor.check();
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                sysctl NET_RT_DUMP2
                RTM_ADD 128.0.0.0/1 gateway link#9 flags UP,STATIC,PROTO1
                """);
        assertThat(journal.records()).isEqualTo(records + 1);
        journal.close();
    }

    @Test
    void killMinusNineAndRecoveryShouldLeaveTheMacAsBeforeConnect() throws Exception {
        SluiceConfig config =
                config("DNS = 10.66.0.53\n", EXCLUDE + "TunnelDomains = corp.example.com\n");
        List<String> before = kernel.routes();
        DarwinRouteBackend backend = backend();
        Journal journal = StateDirectory.begin(state, DarwinSystemState.ownership(), stateReader());
        RouteManager manager = new RouteManager(backend, journal);
        manager.set(desired(config));
        HostResolver host =
                new MacHostResolver(resolverDirectory, new DynamicStoreDns(scutil))
                        .configure(
                                "utun9",
                                List.of(InetAddress.getByName("10.66.0.2")),
                                DomainRules.of(config),
                                config.iface().dnsSearchDomains(),
                                backend,
                                journal);
        assertThat(host.originalServers())
                .extracting(InetAddress::getHostAddress)
                .containsExactly("192.168.1.1");
        assertThat(resolverDirectory.resolve("corp.example.com")).exists();
        assertThat(scutil.has("State:/Network/Service/dev.sluice/DNS")).isTrue();

        // kill -9: no undo; the kernel drops the utun and its routes, the scutil session ends
        journal.close();
        backend.close();
        kernel.destroyInterface("utun9");
        kernel.clearTranscript();

        Recovery.Report report =
                Recovery.recover(
                        state,
                        Mac.backend(kernel, new DarwinHostDns(new DynamicStoreDns(scutil))),
                        stateReader());
        assertThat(kernel.transcript())
                .isEqualTo(
                        """
                RTM_GET fd19::/64 ifp link#0
                RTM_DELETE fd19::/64
                RTM_GET 8000::/1 ifp link#0 -> ESRCH
                RTM_GET ::/1 ifp link#0 -> ESRCH
                RTM_GET 198.19.0.0/24 ifp link#0
                RTM_DELETE 198.19.0.0/24
                RTM_GET 198.18.1.2/32 ifp link#0 flags HOST
                RTM_DELETE 198.18.1.2/32 flags HOST
                RTM_GET 128.0.0.0/1 ifp link#0 -> ESRCH
                RTM_GET 0.0.0.0/1 ifp link#0 -> ESRCH
                sysctl NET_RT_DUMP2
                """);
        assertThat(report.problems()).isEmpty();
        assertThat(report.clean()).as(report.differences().toString()).isTrue();
        assertThat(kernel.routes()).isEqualTo(before);
        assertThat(resolverDirectory.resolve("corp.example.com")).doesNotExist();
        assertThat(scutil.has("State:/Network/Service/dev.sluice/DNS")).isFalse();
        assertThat(Files.list(state)).isEmpty();
    }
}

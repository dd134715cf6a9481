package dev.sluice.it.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KillSwitch = on | always} in the lab: client ns (Sluice, capture strategy, Tunnel =
 * 10.60.0.0/16, fd11::/16), wireguard-go as the server, the router capturing the client's link.
 */
class KillSwitchIT {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final String HALT = "SLUICE_FAULT_HALT_AFTER_OPERATION";

    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "configures wireguard-go");
        Privileged.requireTool("tcpdump", "the router's view of the client's link");
        Privileged.requireTool("nft", "the kill switch's table");
        Privileged.requireTool("iperf3", "a bulk transfer through the tunnel");
        Privileged.requireTool("dig", "a lookup during the outage");
        Privileged.requireTool("python3", "a DHCP discover from a blocked host");
    }

    private static String prefix(String kind) {
        return "sk" + kind + ProcessHandle.current().pid() % 10_000 + "n" + LABS.incrementAndGet();
    }

    private static Path config(WireGuardGoLab fixture, String killSwitch, String... split)
            throws Exception {
        List<String> lines =
                new ArrayList<>(List.of("Mode = include", "Tunnel = 10.60.0.0/16, fd11::/16"));
        lines.addAll(List.of(split));
        return fixture.writeClientConfig(
                fixture.clientConfig(
                        LabTopology.PEER_PORT,
                        "10.0.0.0/8, fd00::/8",
                        List.of("KillSwitch = " + killSwitch),
                        lines));
    }

    private static Launcher.Result cli(LabTopology lab, String... args) throws Exception {
        String output =
                lab.tryExec(
                        lab.client(), prepend(Launcher.binary().toAbsolutePath().toString(), args));
        return new Launcher.Result(0, output, "");
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static boolean pings(LabTopology lab, String host) throws Exception {
        return lab.tryExec(lab.client(), "ping", "-c", "1", "-W", "1", host)
                .contains(" 0% packet loss");
    }

    /** Whether the LAN's resolver (the internet host) answers a lookup from the client. */
    private static boolean lanResolverAnswers(LabTopology lab) throws Exception {
        return lab.tryExec(
                        lab.client(),
                        "dig",
                        "+time=1",
                        "+tries=1",
                        "@" + LabTopology.INTERNET_HOST,
                        "example.org")
                .contains("ANSWER SECTION");
    }

    /** The state text without the kill switch's table (what "blocked, else as before" means). */
    private static String withoutKillSwitch(String state) {
        return state.replaceAll("(?s)table inet sluice_killswitch \\{.*?\\n\\}\\n", "");
    }

    @Test
    void onShouldLetNothingButWireGuardLeaveAfterKill9UntilSluiceIsBack() throws Exception {
        try (WireGuardGoLab fixture = WireGuardGoLab.start(prefix("o"), directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            Path config = config(fixture, "on");
            Path log = directory.resolve("first.log");
            LabSluice first = LabSluice.up(lab, lab.client(), Launcher.binary(), config, log);
            LabProbes probes = new LabProbes(lab, directory);
            assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST))
                    .as("connected; log:\n%s", first.log())
                    .isTrue();
            assertThat(
                            cli(lab, "status", "--socket", LabSluice.controlSocket(log).toString())
                                    .out())
                    .contains("killswitch: armed (connected)");

            UnderlayCapture router =
                    UnderlayCapture.start(lab, lab.router(), "to-client", directory, "router");
            Process server =
                    lab.start(
                            lab.corp(),
                            Map.of(),
                            directory.resolve("iperf-s.log"),
                            "iperf3",
                            "-s",
                            "-1");
            Thread.sleep(300);
            Process transfer =
                    lab.start(
                            lab.client(),
                            Map.of(),
                            directory.resolve("iperf-c.log"),
                            "iperf3",
                            "-c",
                            LabTopology.CORP_HOST,
                            "-t",
                            "8");
            Thread.sleep(2_000);
            double killedAt = Leaks.nowEpochSeconds();
            assertThat(first.kill()).isEqualTo(137);

            // The outage: nothing gets out, by any family, to any destination, DNS included.
            assertThat(pings(lab, LabTopology.CORP_HOST)).isFalse();
            assertThat(pings(lab, LabTopology.INTERNET_HOST)).isFalse();
            assertThat(pings(lab, LabTopology.CORP_HOST6)).isFalse();
            assertThat(pings(lab, LabTopology.INTERNET_HOST6)).isFalse();
            assertThat(lanResolverAnswers(lab)).isFalse();
            assertThat(lab.exec(lab.client(), "nft", "list", "table", "inet", "sluice_killswitch"))
                    .containsPattern("counter packets [1-9]");
            LabTopology.stop(transfer);
            LabTopology.stop(server);

            // Back: recovery at start keeps the block; connected, new flows use the tunnel.
            Path log2 = directory.resolve("second.log");
            LabSluice second = LabSluice.up(lab, lab.client(), Launcher.binary(), config, log2);
            try {
                assertThat(second.log()).contains("kept from an earlier run until Sluice connects");
                LabProbes.Transfer again =
                        probes.tcpTransfer(lab.client(), lab.corp(), LabTopology.CORP_HOST, 2);
                assertThat(again.farSideSource())
                        .as("through the tunnel; log:\n%s", second.log())
                        .isEqualTo(LabTopology.CLIENT_TUNNEL);
                List<String> leaks =
                        Leaks.between(
                                router.packets(lab.router(), Leaks.FILTER),
                                killedAt,
                                Double.MAX_VALUE);
                assertThat(leaks).as("left the client other than to the peer").isEmpty();

                String disconnected =
                        cli(lab, "disconnect", "--socket", LabSluice.controlSocket(log2).toString())
                                .out();
                assertThat(disconnected).contains("disconnected");
            } finally {
                assertThat(second.stop()).as(second.log()).isZero();
            }
            assertThat(NetworkState.capture(lab, lab.client()))
                    .as("disconnect lifts the block and undoes everything")
                    .isEqualTo(before);
        }
    }

    @Test
    void onShouldStayArmedAndLetNothingLeaveThroughANetworkChangeAndTheReHandshake()
            throws Exception {
        try (WireGuardGoLab fixture = WireGuardGoLab.start(prefix("c"), directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            Path log = directory.resolve("sluice.log");
            LabSluice sluice =
                    LabSluice.up(lab, lab.client(), Launcher.binary(), config(fixture, "on"), log);
            try {
                String socket = LabSluice.controlSocket(log).toString();
                assertThat(pings(lab, LabTopology.CORP_HOST)).as(sluice.log()).isTrue();
                JsonNode killSwitch = killSwitchStatus(lab, socket);
                assertThat(killSwitch.path("state").asText()).isEqualTo("armed");
                assertThat(killSwitch.path("mode").asText()).isEqualTo("on");
                assertThat(killSwitch.path("reason").asText()).isEqualTo("connected");

                UnderlayCapture router =
                        UnderlayCapture.start(lab, lab.router(), "to-client", directory, "change");
                double changedAt = Leaks.nowEpochSeconds();
                // The network goes away and comes back (a Wi-Fi roam): the default routes vanish,
                // then return; the daemon re-handshakes on the new underlay.
                lab.exec(lab.client(), "ip", "route", "del", "default");
                lab.exec(lab.client(), "ip", "-6", "route", "del", "default");
                assertThat(pings(lab, LabTopology.CORP_HOST)).isFalse();
                assertThat(pings(lab, LabTopology.INTERNET_HOST)).isFalse();
                assertThat(lanResolverAnswers(lab)).isFalse();
                lab.exec(lab.client(), "ip", "route", "add", "default", "via", "198.18.0.1");
                lab.exec(lab.client(), "ip", "-6", "route", "add", "default", "via", "fd18::1");
                long deadlineMs = System.currentTimeMillis() + 20_000;
                while (!sluice.log().contains("re-resolving endpoints and re-handshaking")
                        || !pings(lab, LabTopology.CORP_HOST)) {
                    assertThat(System.currentTimeMillis())
                            .as("tunnel back after the change; log:\n%s", sluice.log())
                            .isLessThan(deadlineMs);
                    Thread.sleep(200);
                }
                assertThat(lanResolverAnswers(lab))
                        .as("DNS to the LAN's resolver stays refused while connected")
                        .isFalse();
                double backAt = Leaks.nowEpochSeconds();
                assertThat(killSwitchStatus(lab, socket).path("state").asText()).isEqualTo("armed");
                assertThat(lab.exec(lab.client(), "nft", "list", "tables"))
                        .contains("table inet sluice_killswitch");
                assertThat(
                                Leaks.between(
                                        router.packets(lab.router(), Leaks.FILTER),
                                        changedAt,
                                        backAt))
                        .as("left the client other than to the peer during the change")
                        .isEmpty();
                cli(lab, "disconnect", "--socket", socket);
            } finally {
                assertThat(sluice.stop()).as(sluice.log()).isZero();
            }
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }

    private static JsonNode killSwitchStatus(LabTopology lab, String socket) throws Exception {
        return new ObjectMapper()
                .readTree(cli(lab, "status", "--json", "--socket", socket).out())
                .path("killswitch");
    }

    @Test
    void aBlockedHostShouldStillReachItsLanAndRecoverUnblockShouldLiftTheBlock() throws Exception {
        try (WireGuardGoLab fixture = WireGuardGoLab.start(prefix("l"), directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            Path log = directory.resolve("sluice.log");
            LabSluice sluice =
                    LabSluice.up(lab, lab.client(), Launcher.binary(), config(fixture, "on"), log);
            assertThat(sluice.kill()).isEqualTo(137);
            Path state = LabSluice.stateDirectory(directory, lab.client());
            String recovered = cli(lab, "recover", "--state-dir", state.toString()).out();
            assertThat(recovered)
                    .contains(
                            "system state is as it was before Sluice connected",
                            "kill switch: kept, blocking");
            assertThat(pings(lab, "198.18.0.1"))
                    .as("the LAN printer (LocalNetworks = bypass)")
                    .isTrue();
            assertThat(pings(lab, LabTopology.INTERNET_HOST)).isFalse();
            assertThat(withoutKillSwitch(NetworkState.capture(lab, lab.client())))
                    .as("nothing of Sluice's but the block")
                    .isEqualTo(before);

            String unblocked =
                    cli(lab, "recover", "--unblock", "--state-dir", state.toString()).out();
            assertThat(unblocked).contains("kill switch: lifted (--unblock)");
            assertThat(pings(lab, LabTopology.INTERNET_HOST)).isTrue();
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
            assertThat(state.resolve("killswitch")).doesNotExist();
        }
    }

    @Test
    void alwaysShouldBlockFromBootWithoutADaemonAndKeepBlockingWhenDisconnected() throws Exception {
        try (WireGuardGoLab fixture = WireGuardGoLab.start(prefix("a"), directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            Path config = config(fixture, "always", "LocalNetworks = tunnel");
            Path state = LabSluice.stateDirectory(directory, lab.client());
            UnderlayCapture router =
                    UnderlayCapture.start(lab, lab.router(), "to-client", directory, "boot");
            double bootedAt = Leaks.nowEpochSeconds();
            String boot =
                    cli(
                                    lab,
                                    "killswitch",
                                    "--boot",
                                    "--config",
                                    config.toString(),
                                    "--state-dir",
                                    state.toString())
                            .out();
            assertThat(boot).contains("kill switch: blocking (KillSwitch = always)");

            // No daemon: only DHCP and neighbour discovery leave.
            Path dhcp = directory.resolve("dhcp.py");
            Files.writeString(
                    dhcp,
                    """
                    import socket
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
                    s.bind(("0.0.0.0", 68))
                    s.sendto(b"\\x01\\x01\\x06\\x00" + b"\\x00" * 236 + b"\\x63\\x82\\x53\\x63\\xff",
                             ("255.255.255.255", 67))
                    """);
            lab.exec(lab.client(), "python3", dhcp.toString());
            assertThat(pings(lab, "198.18.0.1")).isFalse();
            assertThat(pings(lab, "fd18::1")).isFalse();
            assertThat(pings(lab, LabTopology.INTERNET_HOST)).isFalse();
            assertThat(pings(lab, LabTopology.CORP_HOST)).isFalse();
            List<String> seen =
                    Leaks.between(
                            router.packets(lab.router(), Leaks.FILTER), bootedAt, Double.MAX_VALUE);
            assertThat(seen)
                    .as("only DHCP may leave")
                    .allMatch(line -> line.contains(".68 > 255.255.255.255.67"));
            assertThat(seen).as("the DHCP discover left").isNotEmpty();

            // With the daemon connected: tunnel and bypass flows work.
            Path log = directory.resolve("sluice.log");
            LabSluice sluice = LabSluice.up(lab, lab.client(), Launcher.binary(), config, log);
            try {
                LabProbes probes = new LabProbes(lab, directory);
                assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST))
                        .as("tunnel; log:\n%s", sluice.log())
                        .isTrue();
                assertThat(probes.ping(lab.client(), LabTopology.INTERNET_HOST))
                        .as("bypass")
                        .isTrue();
                cli(lab, "disconnect", "--socket", LabSluice.controlSocket(log).toString());
                assertThat(pings(lab, LabTopology.INTERNET_HOST))
                        .as("disconnected, still blocked")
                        .isFalse();
                assertThat(
                                cli(
                                                lab,
                                                "status",
                                                "--socket",
                                                LabSluice.controlSocket(log).toString())
                                        .out())
                        .contains("killswitch: blocking (KillSwitch = always: not connected)");
            } finally {
                assertThat(sluice.stop()).as(sluice.log()).isZero();
            }
            assertThat(pings(lab, LabTopology.INTERNET_HOST)).as("the daemon stopped").isFalse();
            cli(lab, "recover", "--unblock", "--state-dir", state.toString());
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }

    @Test
    void aKillAtEveryJournaledStepOfConnectShouldLeaveTheHostBlockedNeverOpen() throws Exception {
        try (WireGuardGoLab fixture = WireGuardGoLab.start(prefix("j"), directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            Path config = config(fixture, "on");
            Path state = directory.resolve("state");
            int steps = 0;
            for (int step = 1; step < 60; step++) {
                Path log = directory.resolve("step-" + step + ".log");
                LabSluice sluice =
                        LabSluice.start(
                                lab,
                                lab.client(),
                                Launcher.binary(),
                                config,
                                log,
                                state,
                                Map.of(HALT, Integer.toString(step)));
                boolean connected = awaitHaltOrConnect(sluice);
                if (connected) {
                    assertThat(sluice.kill()).isEqualTo(137);
                } else {
                    steps++;
                }
                String recovered = cli(lab, "recover", "--state-dir", state.toString()).out();
                String after = NetworkState.capture(lab, lab.client());
                assertThat(after)
                        .as("step %d: the block is in place after recovery:\n%s", step, recovered)
                        .contains("table inet sluice_killswitch");
                assertThat(withoutKillSwitch(after))
                        .as("step %d: nothing else of Sluice's is left", step)
                        .isEqualTo(before);
                assertThat(pings(lab, LabTopology.INTERNET_HOST))
                        .as("step %d: blocked", step)
                        .isFalse();
                if (connected) {
                    break;
                }
            }
            assertThat(steps).as("journaled steps of connect").isGreaterThanOrEqualTo(10);
            cli(lab, "recover", "--unblock", "--state-dir", state.toString());
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }

    /** True when Sluice connected instead of halting. */
    private static boolean awaitHaltOrConnect(LabSluice sluice) throws Exception {
        long deadlineMs = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadlineMs) {
            if (sluice.log().contains(" connected: ")) {
                return true;
            }
            if (sluice.exitCode().isPresent()) {
                assertThat(sluice.log()).contains("fault injection: halting");
                return false;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("neither halted nor connected:\n" + sluice.log());
    }
}

package dev.sluice.it.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.crypto.PrivateKey;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabProbes.ConnectAttempt;
import dev.sluice.daemon.platform.linux.lab.LabProbes.Transfer;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sluice up} in the client namespace of the lab topology (DESIGN.md), against wireguard-go
 * and against a second Sluice as the server peer:
 *
 * <pre>
 *   client ns: sluice up (tun sluice0 10.66.0.2, fd66::2), underlay 198.18.0.2 / fd18::2
 *     router ns: captures the client link
 *       server ns: the WireGuard peer 198.18.1.2:51820, 10.66.0.1, forwarding to
 *         corp ns: 10.60.32.10, fd11:1d80:c67a::10 (in ../shared/fixtures/corp-850.cidrs)
 *       internet ns: 198.19.0.10, fd19::10 (reached directly)
 * </pre>
 *
 * Every scenario ends with the client's rules, routes, nftables ruleset and sysctls compared as
 * text with what they were before Sluice started.
 */
class SplitTunnelIT {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final String SERVER_PORT =
            LabTopology.SERVER_UNDERLAY + " and port " + LabTopology.PEER_PORT;

    /**
     * IP packets other than link housekeeping (neighbour discovery, router messages, multicast
     * listener reports), which no application sends.
     */
    private static final String APPLICATION_TRAFFIC =
            "(ip or ip6) and not ip6 multicast and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)";

    @TempDir Path directory;

    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the reference server peer");
        Privileged.requireTool("wg", "configures wireguard-go");
        Privileged.requireTool("iperf3", "TCP transfers whose far side reports the source address");
        Privileged.requireTool("tcpdump", "the router's view of the underlay");
        Privileged.requireTool("nft", "Sluice's firewall table");
        Privileged.requireTool("ping", "ICMP echo through the tunnel");
    }

    private static String labPrefix() {
        return "slt" + ProcessHandle.current().pid() % 10_000 + "n" + LABS.incrementAndGet();
    }

    /** Strict reverse-path filtering, as some distributions ship: reinjection must cope with it. */
    private static void strictReversePathFilter(LabTopology lab) throws Exception {
        lab.exec(
                lab.client(),
                "sysctl",
                "-qw",
                "net.ipv4.conf.all.rp_filter=1",
                "net.ipv4.conf.default.rp_filter=1");
    }

    private Path clientConfig(PrivateKey client, LabPeer server, String allowedIps, String... split)
            throws Exception {
        StringBuilder text =
                new StringBuilder()
                        .append("[Interface]\n")
                        .append("PrivateKey = ")
                        .append(client.toBase64())
                        .append('\n')
                        .append("Address = ")
                        .append(LabTopology.CLIENT_TUNNEL)
                        .append("/32, ")
                        .append(LabTopology.CLIENT_TUNNEL6)
                        .append("/128\n")
                        .append("\n[Peer]\n")
                        .append("PublicKey = ")
                        .append(server.publicKey())
                        .append('\n')
                        .append("Endpoint = ")
                        .append(LabTopology.SERVER_UNDERLAY)
                        .append(':')
                        .append(LabTopology.PEER_PORT)
                        .append('\n')
                        .append("AllowedIPs = ")
                        .append(allowedIps)
                        .append('\n')
                        .append("\n[Split]\n");
        for (String line : split) {
            text.append(line).append('\n');
        }
        return LabPeer.secretFile(directory.resolve("client.conf"), text.toString());
    }

    private static Path corp850() {
        return Path.of(System.getProperty("sluice.repo.root", ".."), "fixtures", "corp-850.cidrs")
                .toAbsolutePath();
    }

    /** Each server kind with each routing strategy. */
    static List<Arguments> serversAndStrategies() {
        List<Arguments> cases = new java.util.ArrayList<>();
        for (LabPeer.Kind kind : LabPeer.Kind.values()) {
            for (String strategy : List.of("capture", "kernel")) {
                cases.add(Arguments.of(kind, strategy));
            }
        }
        return cases;
    }

    /** Packets the kernel handed to the tun so far (what reached userspace). */
    private static long tunPacketsToUserspace(LabTopology lab) throws Exception {
        return Long.parseLong(
                lab.exec(lab.client(), "cat", "/sys/class/net/sluice0/statistics/tx_packets")
                        .strip());
    }

    /**
     * Bypassed traffic reaches userspace with the capture strategy (and is reinjected), and never
     * with the kernel strategy (a throw route sends it to main).
     */
    private static void assertBypassPath(String strategy, long tunPacketsBefore, LabTopology lab)
            throws Exception {
        long carried = tunPacketsToUserspace(lab) - tunPacketsBefore;
        if (strategy.equals("kernel")) {
            assertThat(carried).as("bypass packets that reached userspace").isLessThan(20);
            assertThat(lab.exec(lab.client(), "ip", "route", "show", "table", "51820").lines())
                    .as("the policy as routes in table 51820")
                    .anyMatch(line -> line.startsWith("throw "));
        } else {
            assertThat(carried).as("bypass packets reinjected by userspace").isGreaterThan(100);
        }
    }

    @ParameterizedTest(name = "include mode, server: {0}, strategy: {1}")
    @MethodSource("serversAndStrategies")
    void includeModeShouldTunnelCorpPrefixesReinjectTheRestAndRestoreEverything(
            LabPeer.Kind kind, String strategy) throws Exception {
        try (LabTopology lab = LabTopology.create(labPrefix())) {
            strictReversePathFilter(lab);
            String clientBefore = NetworkState.capture(lab, lab.client());
            String serverBefore = NetworkState.capture(lab, lab.server());
            PrivateKey clientKey = PrivateKey.generate(random);
            LabProbes probes = new LabProbes(lab, directory);
            try (LabPeer server =
                    LabPeer.start(
                            kind,
                            lab,
                            Launcher.binary(),
                            PrivateKey.generate(random),
                            clientKey.publicKey().toBase64(),
                            directory)) {
                // AllowedIPs narrower than the Tunnel list: corp addresses outside it must be
                // dropped.
                Path config =
                        clientConfig(
                                clientKey,
                                server,
                                "10.0.0.0/8, fd00::/8",
                                "Mode = include",
                                "Strategy = " + strategy,
                                "Tunnel = @" + corp850());
                LabSluice sluice =
                        LabSluice.up(
                                lab,
                                lab.client(),
                                Launcher.binary(),
                                config,
                                directory.resolve("client.log"));
                int exitCode;
                try {
                    UnderlayCapture underlay =
                            UnderlayCapture.start(
                                    lab, lab.router(), "to-client", directory, "corp");
                    assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST))
                            .as(
                                    "ping corp host; client log:\n%s\nserver:\n%s",
                                    sluice.log(), server.describe())
                            .isTrue();
                    assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST6))
                            .as("ping corp host (IPv6)")
                            .isTrue();
                    Transfer corp4 =
                            probes.tcpTransfer(lab.client(), lab.corp(), LabTopology.CORP_HOST, 2);
                    Transfer corp6 =
                            probes.tcpTransfer(lab.client(), lab.corp(), LabTopology.CORP_HOST6, 2);
                    assertThat(corp4.farSideSource())
                            .as(corp4.clientOutput())
                            .isEqualTo(LabTopology.CLIENT_TUNNEL);
                    assertThat(corp6.farSideSource())
                            .as(corp6.clientOutput())
                            .isEqualTo(LabTopology.CLIENT_TUNNEL6);
                    assertThat(corp4.bitsPerSecond()).isPositive();
                    assertThat(corp6.bitsPerSecond()).isPositive();
                    assertThat(server.handshakeCompleted()).as(server.describe()).isTrue();

                    List<String> toPeer =
                            underlay.packets(lab.router(), "udp and host " + SERVER_PORT);
                    List<String> other =
                            underlay.packets(
                                    lab.router(),
                                    "not (udp and host "
                                            + SERVER_PORT
                                            + ") and "
                                            + APPLICATION_TRAFFIC);
                    assertThat(toPeer)
                            .as("WireGuard datagrams on the underlay")
                            .hasSizeGreaterThan(100);
                    assertThat(other)
                            .as("corp traffic visible on the underlay outside the tunnel")
                            .isEmpty();

                    assertThat(probes.ping(lab.client(), LabTopology.INTERNET_HOST))
                            .as("ping internet host")
                            .isTrue();
                    assertThat(probes.ping(lab.client(), LabTopology.INTERNET_HOST6))
                            .as("ping internet host (IPv6)")
                            .isTrue();
                    long tunPackets = tunPacketsToUserspace(lab);
                    Transfer internet4 =
                            probes.tcpTransfer(
                                    lab.client(), lab.internet(), LabTopology.INTERNET_HOST, 2);
                    Transfer internet6 =
                            probes.tcpTransfer(
                                    lab.client(), lab.internet(), LabTopology.INTERNET_HOST6, 2);
                    assertBypassPath(strategy, tunPackets, lab);
                    assertThat(internet4.farSideSource())
                            .as(internet4.clientOutput())
                            .isEqualTo(LabTopology.CLIENT_UNDERLAY);
                    assertThat(internet6.farSideSource())
                            .as(internet6.clientOutput())
                            .isEqualTo(LabTopology.CLIENT_UNDERLAY6);

                    // In the Tunnel list, outside every peer's AllowedIPs: dropped, and the app
                    // knows at once.
                    ConnectAttempt dropped4 = probes.connect(lab.client(), "172.16.192.5", 80);
                    ConnectAttempt dropped6 = probes.connect(lab.client(), "2001:db8::5", 80);
                    assertThat(dropped4.error()).contains("No route to host");
                    assertThat(dropped4.elapsedMs())
                            .as("connect() to a dropped address failed after")
                            .isLessThan(2_000);
                    assertThat(dropped6.error()).contains("No route to host");
                    assertThat(dropped6.elapsedMs())
                            .as("connect() to a dropped IPv6 address failed after")
                            .isLessThan(2_000);
                } finally {
                    exitCode = sluice.stop();
                }
                assertThat(exitCode).as(sluice.log()).isZero();
                assertThat(sluice.log()).contains("stopping: SIGTERM", "disconnected");
            }
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(clientBefore);
            assertThat(NetworkState.capture(lab, lab.server())).isEqualTo(serverBefore);
        }
    }

    @ParameterizedTest(name = "exclude mode, server: {0}, strategy: {1}")
    @MethodSource("serversAndStrategies")
    void excludeModeShouldTunnelEverythingButTheBypassList(LabPeer.Kind kind, String strategy)
            throws Exception {
        try (LabTopology lab = LabTopology.create(labPrefix())) {
            strictReversePathFilter(lab);
            // A second internet host outside the Bypass list, reached through the server, which
            // NATs.
            String viaServer = "198.19.1.10";
            lab.exec(lab.internet(), "ip", "addr", "add", viaServer + "/32", "dev", "lo");
            lab.exec(
                    lab.server(),
                    "nft",
                    "add table ip labnat; add chain ip labnat post { type nat hook postrouting priority srcnat; };"
                            + " add rule ip labnat post oifname eth0 masquerade");
            String clientBefore = NetworkState.capture(lab, lab.client());
            Path bypass = directory.resolve("bypass.cidrs");
            Files.writeString(bypass, "# reached directly\n198.19.0.0/24\nfd19::/64\n");
            PrivateKey clientKey = PrivateKey.generate(random);
            LabProbes probes = new LabProbes(lab, directory);
            try (LabPeer server =
                    LabPeer.start(
                            kind,
                            lab,
                            Launcher.binary(),
                            PrivateKey.generate(random),
                            clientKey.publicKey().toBase64(),
                            directory)) {
                Path config =
                        clientConfig(
                                clientKey,
                                server,
                                "0.0.0.0/0, ::/0",
                                "Mode = exclude",
                                "Strategy = " + strategy,
                                "Bypass = @bypass.cidrs");
                LabSluice sluice =
                        LabSluice.up(
                                lab,
                                lab.client(),
                                Launcher.binary(),
                                config,
                                directory.resolve("client.log"));
                int exitCode;
                try {
                    Transfer corp =
                            probes.tcpTransfer(lab.client(), lab.corp(), LabTopology.CORP_HOST, 2);
                    assertThat(corp.farSideSource())
                            .as(corp.clientOutput() + sluice.log())
                            .isEqualTo(LabTopology.CLIENT_TUNNEL);

                    UnderlayCapture underlay =
                            UnderlayCapture.start(
                                    lab,
                                    lab.router(),
                                    "to-client",
                                    directory,
                                    "tunnelled-internet");
                    Transfer tunnelled =
                            probes.tcpTransfer(lab.client(), lab.internet(), viaServer, 2);
                    assertThat(tunnelled.farSideSource())
                            .as(tunnelled.clientOutput())
                            .isEqualTo(LabTopology.SERVER_UNDERLAY);
                    assertThat(underlay.packets(lab.router(), "host " + viaServer)).isEmpty();

                    long tunPackets = tunPacketsToUserspace(lab);
                    Transfer bypassed4 =
                            probes.tcpTransfer(
                                    lab.client(), lab.internet(), LabTopology.INTERNET_HOST, 2);
                    Transfer bypassed6 =
                            probes.tcpTransfer(
                                    lab.client(), lab.internet(), LabTopology.INTERNET_HOST6, 2);
                    assertBypassPath(strategy, tunPackets, lab);
                    assertThat(bypassed4.farSideSource())
                            .as(bypassed4.clientOutput())
                            .isEqualTo(LabTopology.CLIENT_UNDERLAY);
                    assertThat(bypassed6.farSideSource())
                            .as(bypassed6.clientOutput())
                            .isEqualTo(LabTopology.CLIENT_UNDERLAY6);
                } finally {
                    exitCode = sluice.stop();
                }
                assertThat(exitCode).as(sluice.log()).isZero();
            }
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(clientBefore);
        }
    }
}

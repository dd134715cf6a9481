package dev.sluice.it.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabProbes.Transfer;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.it.netns.Shell;
import dev.sluice.testkit.Privileged;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wg set} and {@code wg setconf} from the client namespace against a connected Sluice
 * (capture strategy, include mode, the corp network tunnelled), as a user with root — or a script
 * run by mistake — would type them:
 *
 * <pre>
 *   client ns: sluice up, tun wgs&lt;pid&gt;n&lt;k&gt; (a name of its own: the API socket
 *              /var/run/wireguard/&lt;name&gt;.sock is shared by every namespace)
 *     router ns: captures the client link
 *       server ns: wireguard-go 198.18.1.2:51820, forwarding to
 *         corp ns: 10.60.32.10 (tunnelled)
 * </pre>
 *
 * After every request the tunnel must still carry the corp traffic (the far side sees 10.66.0.2,
 * the router sees only WireGuard datagrams), and after Sluice stops the client namespace is as it
 * was.
 */
class WgSetIT {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final String SERVER_PORT =
            LabTopology.SERVER_UNDERLAY + " and port " + LabTopology.PEER_PORT;
    private static final String APPLICATION_TRAFFIC =
            "(ip or ip6) and not ip6 multicast and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)";

    @TempDir Path directory;

    private String tun;
    private WireGuardGoLab wireGuardGo;
    private LabTopology lab;
    private LabSluice sluice;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "the stock WireGuard tool, against Sluice's API");
        Privileged.requireTool("iperf3", "TCP transfers whose far side reports the source address");
        Privileged.requireTool("tcpdump", "the router's view of the underlay");
        Privileged.requireTool("nft", "Sluice's firewall table");
    }

    /** Starts the lab and Sluice; the test body runs, then Sluice stops and the lab goes. */
    private void inLab(ThrowingRunnable body) throws Exception {
        int k = LABS.incrementAndGet();
        long pid = ProcessHandle.current().pid() % 100_000;
        tun = "wgs" + pid + "n" + k;
        try (WireGuardGoLab started =
                WireGuardGoLab.start("wgs" + pid % 10_000 + "n" + k, directory)) {
            wireGuardGo = started;
            lab = started.topology();
            Path config =
                    started.writeClientConfig(
                            started.clientConfig(
                                    LabTopology.PEER_PORT,
                                    "10.0.0.0/8, fd00::/8",
                                    List.of("Name = " + tun),
                                    List.of(
                                            "Mode = include",
                                            "Strategy = capture",
                                            "Tunnel = 10.60.0.0/16, fd11:1d80:c67a::/48")));
            sluice =
                    LabSluice.up(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            directory.resolve("client.log"));
            int exitCode;
            try {
                body.run();
            } finally {
                exitCode = sluice.stop();
            }
            assertThat(exitCode).as(sluice.log()).isZero();
            assertThat(NetworkState.capture(lab, lab.client()))
                    .isEqualTo(started.clientStateBefore());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private Shell.Output wg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.client(), "wg"));
        command.addAll(List.of(arguments));
        return Shell.run(command);
    }

    private String ownTrafficRule(String family) throws Exception {
        return lab.exec(lab.client(), "ip", family, "rule", "show", "pref", "5200").strip();
    }

    /**
     * Corp traffic goes through the tunnel: the far side sees the tunnel address, the underlay only
     * WireGuard.
     */
    private void assertCorpTrafficTunnelled(String step) throws Exception {
        UnderlayCapture underlay =
                UnderlayCapture.start(
                        lab, lab.router(), "to-client", directory, "underlay-" + step);
        Transfer corp =
                new LabProbes(lab, directory)
                        .tcpTransfer(lab.client(), lab.corp(), LabTopology.CORP_HOST, 1);
        assertThat(corp.farSideSource())
                .as(
                        "%s: source the corp host saw; %s\nclient log:\n%s",
                        step, corp.clientOutput(), sluice.log())
                .isEqualTo(LabTopology.CLIENT_TUNNEL);
        assertThat(underlay.packets(lab.router(), "udp and host " + SERVER_PORT))
                .as("%s: WireGuard datagrams on the underlay", step)
                .isNotEmpty();
        assertThat(
                        underlay.packets(
                                lab.router(),
                                "not (udp and host "
                                        + SERVER_PORT
                                        + ") and "
                                        + APPLICATION_TRAFFIC))
                .as("%s: traffic on the underlay outside the tunnel", step)
                .isEmpty();
    }

    /** Waits (30 s at most) until Sluice has logged "connected" {@code times} times. */
    private void awaitConnections(int times) throws Exception {
        long deadlineMs = System.currentTimeMillis() + 30_000;
        while (sluice.log().split(" connected: ", -1).length - 1 < times) {
            if (System.currentTimeMillis() > deadlineMs) {
                throw new IllegalStateException(
                        "Sluice did not connect again within 30 s:\n" + sluice.log());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void shouldRefuseTheChangeAndKeepTheTunnelWhenWgSetTurnsTheFwMarkOff() throws Exception {
        inLab(
                () -> {
                    String rule4 = ownTrafficRule("-4");
                    String rule6 = ownTrafficRule("-6");
                    assertThat(rule4).contains("fwmark 0x51c lookup main");
                    assertThat(rule6).contains("fwmark 0x51c lookup main");
                    assertCorpTrafficTunnelled("before");

                    for (String off : List.of("0", "off")) {
                        Shell.Output set = wg("set", tun, "fwmark", off);
                        assertThat(set.exitCode()).as("wg set fwmark %s: %s", off, set).isNotZero();
                        assertThat(set.err())
                                .contains("Unable to modify interface: Invalid argument");
                    }
                    Shell.Output hostBits =
                            wg(
                                    "set",
                                    tun,
                                    "peer",
                                    wireGuardGo.server().publicKey(),
                                    "allowed-ips",
                                    "10.0.0.1/8");
                    assertThat(hostBits.exitCode()).as(hostBits.toString()).isNotZero();
                    assertThat(hostBits.err())
                            .contains("Unable to modify interface: Invalid argument");

                    // A hand-written file without PrivateKey and FwMark: setconf sends zeros.
                    Path bare =
                            LabPeer.secretFile(
                                    directory.resolve("bare.conf"),
                                    "[Interface]\n\n[Peer]\nPublicKey = "
                                            + wireGuardGo.server().publicKey()
                                            + "\nAllowedIPs = 10.0.0.0/8\n");
                    Shell.Output setconf = wg("setconf", tun, bare.toString());
                    assertThat(setconf.exitCode()).as(setconf.toString()).isNotZero();
                    assertThat(setconf.err())
                            .contains("Unable to modify interface: Invalid argument");

                    assertThat(ownTrafficRule("-4")).isEqualTo(rule4);
                    assertThat(ownTrafficRule("-6")).isEqualTo(rule6);
                    assertThat(wg("show", tun, "fwmark").out().strip()).isEqualTo("0x51c");
                    assertThat(sluice.log())
                            .contains(
                                    "wg set refused, nothing changed: fwmark=0: FwMark '0' turns"
                                            + " the mark off")
                            .contains(
                                    "wg set refused, nothing changed: allowed_ip=10.0.0.1/8:"
                                            + " AllowedIPs: '10.0.0.1/8' has host bits set")
                            .contains(
                                    "wg set refused, nothing changed: private_key: all zeros would"
                                            + " leave the interface without a key")
                            .doesNotContain("configuration changed at run time");
                    assertCorpTrafficTunnelled("after");
                });
    }

    @Test
    void shouldMoveRuleFirewallAndSocketsTogetherWhenWgSetChangesTheMarkAndKeepPeersSetconfNames()
            throws Exception {
        inLab(
                () -> {
                    Shell.Output set = wg("set", tun, "fwmark", "0x1234");
                    assertThat(set.exitCode()).as(set.toString()).isZero();
                    awaitConnections(2);
                    assertThat(ownTrafficRule("-4")).contains("fwmark 0x1234 lookup main");
                    assertThat(ownTrafficRule("-6")).contains("fwmark 0x1234 lookup main");
                    String firewall =
                            lab.exec(lab.client(), "nft", "list", "table", "inet", "sluice");
                    assertThat(firewall).contains("0x00001234").doesNotContain("0x0000051c");
                    assertThat(wg("show", tun, "fwmark").out().strip()).isEqualTo("0x1234");
                    // The daemon's UDP reaches the peer only if its SO_MARK matches rule 5200.
                    assertCorpTrafficTunnelled("new-mark");

                    // The usual round trip: what wg showconf prints, edited, handed back.
                    Path setconf =
                            LabPeer.secretFile(
                                    directory.resolve("setconf.conf"),
                                    lab.exec(lab.client(), "wg", "showconf", tun)
                                            + "PersistentKeepalive = 25\n");
                    Shell.Output replace = wg("setconf", tun, setconf.toString());
                    assertThat(replace.exitCode()).as(replace.toString()).isZero();
                    awaitConnections(3);
                    assertThat(wg("show", tun, "persistent-keepalive").out())
                            .isEqualTo(wireGuardGo.server().publicKey() + "\t25\n");
                    assertCorpTrafficTunnelled("setconf");
                });
    }
}

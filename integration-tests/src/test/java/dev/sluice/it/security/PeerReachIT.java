package dev.sluice.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.it.netns.Namespaces;
import dev.sluice.testkit.Privileged;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile VPN server tries to reach hosts behind the client: a LAN (or container bridge) attached
 * to the client, which the server routes into the tunnel. The client runs Sluice with the capture
 * strategy, full tunnel (exclude mode), on a host that already forwards IPv4 (as Docker or libvirt
 * leave it) and on one that does not:
 *
 * <pre>
 *   server ns: wireguard-go, routes 192.168.77.0/24 and fd77::/64 into the tunnel
 *     ... client ns: sluice0 10.66.0.2; lan0 192.168.77.1, fd77::1
 *           lan ns: 192.168.77.2, fd77::2 (tcpdump: must see nothing of the peer)
 * </pre>
 *
 * The peer pings the LAN host (its own source address) and forges UDP claiming the client's own
 * addresses as source (the tunnel address, the LAN address); none of it may arrive. Bypass traffic
 * (reinjected by the capture strategy) must keep working, IPv6 forwarding must not be switched on
 * globally, and everything is as before after disconnect.
 */
class PeerReachIT {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final String LAN_HOST = "192.168.77.2";
    private static final String LAN_HOST6 = "fd77::2";

    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the hostile server peer");
        Privileged.requireTool("wg", "configures wireguard-go");
        Privileged.requireTool("tcpdump", "what reaches the LAN host");
        Privileged.requireTool("nft", "Sluice's firewall table");
        Privileged.requireTool("python3", "forged packets (raw sockets)");
        Privileged.requireTool("iperf3", "a reinjected TCP flow");
    }

    @ParameterizedTest(name = "net.ipv4.ip_forward = {0} before Sluice")
    @ValueSource(strings = {"1", "0"})
    void thePeerShouldReachThisHostOnly(String forwardingBefore) throws Exception {
        String prefix =
                "spr" + ProcessHandle.current().pid() % 10_000 + "n" + LABS.incrementAndGet();
        try (WireGuardGoLab fixture = WireGuardGoLab.start(prefix, directory);
                Namespaces extra = new Namespaces("pr" + LABS.get())) {
            LabTopology lab = fixture.topology();
            String client = lab.client();
            String lan = extra.create("lan");
            extra.link(client, "lan0", "192.168.77.1/24", lan, "eth0", LAN_HOST + "/24");
            lab.exec(client, "ip", "-6", "addr", "add", "fd77::1/64", "dev", "lan0", "nodad");
            extra.exec(lan, "ip", "-6", "addr", "add", LAN_HOST6 + "/64", "dev", "eth0", "nodad");
            extra.exec(lan, "ip", "route", "add", "default", "via", "192.168.77.1");
            extra.exec(lan, "ip", "-6", "route", "add", "default", "via", "fd77::1");
            lab.exec(
                    client,
                    "sysctl",
                    "-qw",
                    "net.ipv4.ip_forward=" + forwardingBefore,
                    "net.ipv6.conf.eth0.accept_ra=1");
            String before = NetworkState.capture(lab, client);

            // The server routes the client's LAN into the tunnel.
            String server = lab.server();
            String device = fixture.server().device();
            lab.exec(
                    server,
                    "wg",
                    "set",
                    device,
                    "peer",
                    fixture.clientPublicKey(),
                    "allowed-ips",
                    "10.66.0.2/32,fd66::2/128,192.168.77.0/24,fd77::/64");
            lab.exec(server, "ip", "route", "add", "192.168.77.0/24", "dev", device);
            lab.exec(server, "ip", "-6", "route", "add", "fd77::/64", "dev", device);

            Path config =
                    fixture.writeClientConfig(
                            fixture.clientConfig(
                                    LabTopology.PEER_PORT,
                                    "0.0.0.0/0, ::/0",
                                    List.of(),
                                    List.of(
                                            "Mode = exclude",
                                            "Bypass = 198.19.0.0/16, fd19::/64")));
            LabSluice sluice =
                    LabSluice.up(
                            lab,
                            client,
                            Launcher.binary(),
                            config,
                            directory.resolve("client.log"));
            LabProbes probes = new LabProbes(lab, directory);
            try {
                assertThat(probes.ping(client, LabTopology.CORP_HOST))
                        .as("tunnel up; client log:\n%s", sluice.log())
                        .isTrue();
                assertThat(probes.ping(server, LabTopology.CLIENT_TUNNEL))
                        .as("the peer still reaches this host itself")
                        .isTrue();

                UnderlayCapture lanView = UnderlayCapture.start(lab, lan, "eth0", directory, "lan");
                Attacks attacks = Attacks.in(lab, directory);
                lab.tryExec(server, "ping", "-c", "3", "-i", "0.2", "-W", "1", LAN_HOST);
                lab.tryExec(server, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "1", LAN_HOST6);
                attacks.forgedUdp(server, LabTopology.CLIENT_TUNNEL, LAN_HOST, 9, 3);
                attacks.forgedUdp(server, "192.168.77.1", LAN_HOST, 9, 3);
                attacks.forgedUdp(server, LabTopology.CLIENT_TUNNEL6, LAN_HOST6, 9, 3);
                attacks.forgedUdp(server, "fd77::1", LAN_HOST6, 9, 3);
                Thread.sleep(500);
                assertThat(lanView.packets(lan, "udp port 9 or icmp or (icmp6 and ip6[40] == 128)"))
                        .as("what the peer sent toward the LAN host")
                        .isEmpty();
                assertThat(lab.exec(client, "nft", "list", "chain", "inet", "sluice", "forward"))
                        .as("the drops are counted")
                        .containsPattern("counter packets [1-9][0-9]* bytes [0-9]+ drop");

                // Reinjected bypass traffic still leaves, from the client's own address.
                assertThat(probes.ping(client, LabTopology.INTERNET_HOST)).isTrue();
                assertThat(probes.ping(client, LabTopology.INTERNET_HOST6)).isTrue();
                LabProbes.Transfer direct =
                        probes.tcpTransfer(client, lab.internet(), LabTopology.INTERNET_HOST, 2);
                assertThat(direct.farSideSource()).isEqualTo(LabTopology.CLIENT_UNDERLAY);

                // Forwarding was switched on for the tun only.
                assertThat(sysctl(lab, client, "net.ipv4.ip_forward")).isEqualTo(forwardingBefore);
                assertThat(sysctl(lab, client, "net.ipv6.conf.all.forwarding")).isEqualTo("0");
                assertThat(sysctl(lab, client, "net.ipv6.conf.eth0.forwarding"))
                        .as("the uplink keeps hearing router advertisements")
                        .isEqualTo("0");
                assertThat(sysctl(lab, client, "net.ipv4.conf.sluice0.forwarding")).isEqualTo("1");
                if (forwardingBefore.equals("0")) {
                    assertThat(probes.ping(lan, LabTopology.INTERNET_HOST))
                            .as("the LAN may not use the client as a router")
                            .isFalse();
                }
            } finally {
                int exit = sluice.stop();
                assertThat(exit).as(sluice.log()).isZero();
            }
            assertThat(NetworkState.capture(lab, client)).isEqualTo(before);
        }
    }

    private static String sysctl(LabTopology lab, String ns, String key) throws Exception {
        return lab.exec(ns, "sysctl", "-n", key).strip();
    }
}

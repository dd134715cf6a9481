package dev.sluice.it.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.it.netns.Namespaces;
import dev.sluice.testkit.Privileged;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Split DNS against the untrusted parts of a coffee-shop network: its resolver (the client's
 * original one, which answers {@code BypassDomains} names) and its other hosts.
 *
 * <ul>
 *   <li>The network's resolver answers {@code cdn.example A 10.60.32.20} (a corporate host under a
 *       {@code Tunnel} prefix) and {@code cdn2.example A 203.0.113.10} (a public corporate address
 *       under a {@code Tunnel} prefix): traffic to both must stay in the tunnel, in include and in
 *       exclude mode; the refusals are counted and {@code classify} says why.
 *   <li>A LAN neighbour that routes to the tunnel address, and the VPN server through the tunnel,
 *       ask the forwarder for a corporate name: no answer, and the corporate resolver never hears
 *       the question.
 * </ul>
 */
class UntrustedDnsIT {
    private static final String CORP_PUBLIC = "203.0.113.10";

    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("dnsmasq", "the corp resolver and the network's (hostile) resolver");
        Privileged.requireTool("dig", "queries");
        Privileged.requireTool("tcpdump", "what the router carries in clear");
    }

    private static String dig(LabTopology lab, String ns, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("dig", "+time=2", "+tries=1", "+short"));
        command.addAll(List.of(arguments));
        return lab.tryExec(ns, command.toArray(String[]::new)).strip();
    }

    @ParameterizedTest(name = "Mode = {0}")
    @ValueSource(strings = {"include", "exclude"})
    void theNetworksResolverShouldNotMoveTrafficOutOfTheTunnel(String mode) throws Exception {
        String prefix = "sdu" + mode.charAt(0) + ProcessHandle.current().pid() % 10_000;
        try (DnsLab dns =
                DnsLab.start(
                        prefix,
                        directory,
                        List.of(
                                "--host-record=cdn.example," + DnsLab.CORP_APP + ",300",
                                "--host-record=cdn2.example," + CORP_PUBLIC + ",300"))) {
            LabTopology lab = dns.lab;
            // A public corporate address behind the server.
            lab.exec(lab.corp(), "ip", "addr", "add", CORP_PUBLIC + "/32", "dev", "eth0");
            lab.exec(lab.server(), "ip", "route", "add", CORP_PUBLIC, "via", LabTopology.CORP_HOST);
            lab.exec(lab.internet(), "ip", "addr", "add", "198.19.5.5/32", "dev", "lo");
            List<String> split = new ArrayList<>();
            split.add("Mode = " + mode);
            split.add("Tunnel = 10.60.0.0/16, 203.0.113.0/24");
            split.add("TunnelDomains = corp.example");
            split.add("BypassDomains = cdn.example, cdn2.example, zoom.us");
            Path config =
                    dns.fixture.writeClientConfig(
                            dns.fixture.clientConfig(
                                    LabTopology.PEER_PORT,
                                    mode.equals("include")
                                            ? "10.0.0.0/8, 203.0.113.0/24, fd00::/8"
                                            : "0.0.0.0/0, ::/0",
                                    List.of("DNS = " + DnsLab.CORP_RESOLVER + ", corp.example"),
                                    split));
            Path log = directory.resolve("sluice.log");
            Path socket = LabSluice.controlSocket(log);
            UnderlayCapture router =
                    UnderlayCapture.start(lab, lab.router(), "to-client", directory, "router");
            LabSluice sluice = LabSluice.up(lab, lab.client(), Launcher.binary(), config, log);
            LabProbes probes = new LabProbes(lab, directory);
            try {
                assertThat(dig(lab, lab.client(), "cdn.example")).isEqualTo(DnsLab.CORP_APP);
                assertThat(dig(lab, lab.client(), "cdn2.example")).isEqualTo(CORP_PUBLIC);
                assertThat(dig(lab, lab.client(), "video.zoom.us")).isEqualTo("198.19.5.5");

                String classified =
                        Launcher.run(
                                        DnsLab.CORP_APP + "\n" + CORP_PUBLIC + "\n",
                                        "classify",
                                        "--socket",
                                        socket.toString())
                                .out();
                assertThat(classified)
                        .contains(
                                DnsLab.CORP_APP
                                        + " tunnel 10.60.0.0/16 "
                                        + dns.fixture.server().publicKey()
                                        + " (cdn.example under cdn.example asked for bypass,"
                                        + " refused: a bypass answer cannot override tunnel-list"
                                        + " 10.60.0.0/16; expires in ",
                                CORP_PUBLIC
                                        + " tunnel 203.0.113.0/24 "
                                        + dns.fixture.server().publicKey()
                                        + " (cdn2.example under cdn2.example asked for bypass,"
                                        + " refused: a bypass answer cannot override tunnel-list"
                                        + " 203.0.113.0/24; expires in ");
                assertThat(probes.ping(lab.client(), DnsLab.CORP_APP))
                        .as("through the tunnel; log:\n%s", sluice.log())
                        .isTrue();
                assertThat(probes.ping(lab.client(), CORP_PUBLIC)).isTrue();
                assertThat(probes.ping(lab.client(), "198.19.5.5"))
                        .as("a legitimate bypass answer still works")
                        .isTrue();
                String metrics = Launcher.run("", "metrics", "--socket", socket.toString()).out();
                assertThat(metrics)
                        .containsPattern(
                                "sluice_dns_events_total\\{event=\"refused_learn\"\\} [1-9]");
                assertThat(sluice.log())
                        .containsOnlyOnce(
                                "DNS answer for cdn.example (under cdn.example) not applied");
            } finally {
                int exit = sluice.stop();
                assertThat(exit).as(sluice.log()).isZero();
            }
            List<String> clear =
                    router.packets(
                            lab.router(),
                            "icmp and (host " + DnsLab.CORP_APP + " or host " + CORP_PUBLIC + ")");
            assertThat(clear).as("corporate traffic in clear on the network").isEmpty();
            assertThat(router.packets(lab.router(), "icmp and host 198.19.5.5"))
                    .as("the bypass answer's address is reached directly")
                    .isNotEmpty();
        }
    }

    @Test
    void theForwarderShouldAnswerThisHostOnly() throws Exception {
        String prefix = "sdx" + ProcessHandle.current().pid() % 10_000;
        try (DnsLab dns = DnsLab.start(prefix, directory);
                Namespaces extra = new Namespaces("dx")) {
            LabTopology lab = dns.lab;
            String client = lab.client();
            String lan = extra.create("lan");
            extra.link(client, "lan0", "192.168.77.1/24", lan, "eth0", "192.168.77.2/24");
            extra.exec(lan, "ip", "route", "add", "10.66.0.2/32", "via", "192.168.77.1");
            // As on a laptop running Docker: the host forwards.
            lab.exec(client, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Path config =
                    dns.fixture.writeClientConfig(
                            dns.fixture.clientConfig(
                                    LabTopology.PEER_PORT,
                                    "10.0.0.0/8, fd00::/8",
                                    List.of("DNS = " + DnsLab.CORP_RESOLVER + ", corp.example"),
                                    List.of(
                                            "Mode = include",
                                            "Tunnel = 10.60.0.0/16",
                                            "TunnelDomains = corp.example")));
            LabSluice sluice =
                    LabSluice.up(
                            lab, client, Launcher.binary(), config, directory.resolve("c.log"));
            try {
                assertThat(dig(lab, client, "@10.66.0.2", "www.corp.example"))
                        .as("this host's own sockets")
                        .isEqualTo("10.60.32.77");
                assertThat(dig(lab, lan, "@10.66.0.2", "neighbour.corp.example"))
                        .as("a LAN neighbour over UDP")
                        .contains("timed out");
                assertThat(dig(lab, lan, "+tcp", "@10.66.0.2", "neighbour-tcp.corp.example"))
                        .as("a LAN neighbour over TCP")
                        .doesNotContain("10.60.32");
                assertThat(dig(lab, lab.server(), "@10.66.0.2", "peer.corp.example"))
                        .as("the VPN server through the tunnel")
                        .contains("timed out");
                assertThat(dig(lab, client, "@127.0.0.153", "www.corp.example"))
                        .isEqualTo("10.60.32.77");
            } finally {
                int exit = sluice.stop();
                assertThat(exit).as(sluice.log()).isZero();
            }
            assertThat(dns.resolverLog("corp"))
                    .contains("www.corp.example")
                    .doesNotContain("neighbour", "peer.corp.example");
        }
    }
}

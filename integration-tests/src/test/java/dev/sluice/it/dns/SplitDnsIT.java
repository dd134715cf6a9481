package dev.sluice.it.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitDnsIT {
    @TempDir Path directory;

    private byte[] hostResolvConf;

    @BeforeEach
    void requirements() throws Exception {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("dnsmasq", "the corp and internet resolvers");
        Privileged.requireTool("dig", "queries from the client namespace");
        Privileged.requireTool("tcpdump", "what the router and the corp link carry");
        hostResolvConf = Files.readAllBytes(Path.of("/etc/resolv.conf"));
    }

    /** Include mode; Tunnel covers 10.60.0.0/24 only, so 10.60.32.20 tunnels only when learned. */
    private static String config(DnsLab dns) {
        return dns.fixture.clientConfig(
                51820,
                "10.0.0.0/8, fd00::/8",
                List.of("DNS = " + DnsLab.CORP_RESOLVER + ", corp.example"),
                List.of(
                        "Mode = include",
                        "Tunnel = 10.60.0.0/24",
                        "TunnelDomains = corp.example",
                        "BypassDomains = zoom.us",
                        "DomainTtlMin = 1s",
                        "DomainTtlMax = 3s"));
    }

    /** {@code sluice up} in the client namespace with {@link #config}, logging to {@code log}. */
    private static LabSluice up(DnsLab dns, Path log) throws Exception {
        return LabSluice.up(
                dns.lab,
                dns.lab.client(),
                Launcher.binary(),
                dns.fixture.writeClientConfig(config(dns)),
                log);
    }

    private static String status(Path socket) throws Exception {
        return Launcher.run("", "status", "--socket", socket.toString()).out();
    }

    private static String dig(LabTopology lab, String... arguments) throws Exception {
        String[] command = new String[arguments.length + 4];
        command[0] = "dig";
        command[1] = "+time=3";
        command[2] = "+tries=1";
        command[3] = "+short";
        System.arraycopy(arguments, 0, command, 4, arguments.length);
        return lab.exec(lab.client(), command).strip();
    }

    private static boolean pings(LabTopology lab, String address) throws Exception {
        return lab.tryExec(lab.client(), "ping", "-c", "1", "-W", "1", address)
                .contains(" 0% packet loss");
    }

    private static String classify(Path socket, String address) throws Exception {
        return Launcher.run(address + "\n", "classify", "--socket", socket.toString())
                .out()
                .strip();
    }

    @Test
    void corporateNamesShouldResolveThroughTheTunnelAndTheRestThroughTheBypass() throws Exception {
        try (DnsLab dns = DnsLab.start("sdn" + ProcessHandle.current().pid() % 10_000, directory)) {
            LabTopology lab = dns.lab;
            Path log = directory.resolve("sluice.log");
            Path socket = LabSluice.controlSocket(log);
            UnderlayCapture router =
                    UnderlayCapture.start(lab, lab.router(), "to-client", directory, "router");
            UnderlayCapture corpLink =
                    UnderlayCapture.start(lab, lab.server(), "to-corp", directory, "corp-link");
            LabSluice sluice = up(dns, log);
            try {
                assertThat(Files.readString(dns.resolvConf))
                        .startsWith("# written by sluice")
                        .contains("nameserver 10.66.0.2\n", "search corp.example example.net");

                // Names: UDP and TCP, through the resolver file, the CNAME followed upstream.
                assertThat(dig(lab, "www.corp.example")).isEqualTo("10.60.32.77");
                assertThat(dig(lab, "+tcp", "alias.corp.example"))
                        .isEqualTo("www.corp.example.\n10.60.32.77");
                assertThat(dig(lab, "example.org")).isEqualTo("198.19.0.99");
                assertThat(dig(lab, "@127.0.0.153", "video.zoom.us")).isEqualTo("198.19.5.5");

                // A TunnelDomains answer opens the tunnel to its address for its TTL (2 s,
                // within DomainTtlMin 1 s .. DomainTtlMax 3 s), then the address bypasses again.
                assertThat(classify(socket, DnsLab.CORP_APP))
                        .isEqualTo(DnsLab.CORP_APP + " bypass - -");
                assertThat(pings(lab, DnsLab.CORP_APP)).as("no route outside the tunnel").isFalse();
                assertThat(dig(lab, "app.corp.example")).isEqualTo(DnsLab.CORP_APP);
                assertThat(classify(socket, DnsLab.CORP_APP))
                        .startsWith(DnsLab.CORP_APP + " tunnel " + DnsLab.CORP_APP + "/32 ")
                        .contains("(app.corp.example under corp.example, expires in ");
                assertThat(pings(lab, DnsLab.CORP_APP)).as("through the tunnel").isTrue();
                JsonNode status =
                        new ObjectMapper()
                                .readTree(
                                        Launcher.run(
                                                        "",
                                                        "status",
                                                        "--json",
                                                        "--socket",
                                                        socket.toString())
                                                .out());
                JsonNode split = status.path("dns");
                assertThat(split.path("host").asText()).isEqualTo("resolv.conf");
                assertThat(split.path("originalResolvers").toString())
                        .isEqualTo("[\"198.19.0.10\",\"198.19.0.11\"]");
                assertThat(split.path("learned").toString())
                        .contains(
                                "\"address\":\"10.60.32.20\",\"verdict\":\"tunnel\"",
                                "\"address\":\"198.19.5.5\",\"verdict\":\"bypass\"");
                long deadlineMs = System.currentTimeMillis() + 8_000;
                while (classify(socket, DnsLab.CORP_APP).contains(" tunnel ")
                        && System.currentTimeMillis() < deadlineMs) {
                    Thread.sleep(200);
                }
                assertThat(classify(socket, DnsLab.CORP_APP))
                        .as("expired")
                        .isEqualTo(DnsLab.CORP_APP + " bypass - -");
                assertThat(pings(lab, DnsLab.CORP_APP)).isFalse();
            } finally {
                int exit = sluice.stop();
                assertThat(exit).as(sluice.log()).isZero();
            }

            // Each resolver saw only its own names, from the address of its path.
            String corpLog = dns.resolverLog("corp");
            String internetLog = dns.resolverLog("internet");
            assertThat(corpLog)
                    .contains(
                            "query[A] www.corp.example from 10.66.0.2",
                            "query[A] alias.corp.example from 10.66.0.2",
                            "query[A] app.corp.example from 10.66.0.2")
                    .doesNotContain("example.org", "zoom.us");
            assertThat(internetLog)
                    .contains(
                            "query[A] example.org from 198.18.0.2",
                            "query[A] video.zoom.us from 198.18.0.2")
                    .doesNotContain("corp.example");
            // On the wire: corporate names never in clear on the underlay, other names never in
            // the tunnel (seen where the peer hands them to the corp network).
            List<String> underlayDns = router.packets(lab.router(), "port 53");
            assertThat(String.join("\n", underlayDns))
                    .contains("example.org", "video.zoom.us")
                    .doesNotContain("corp.example");
            List<String> tunnelDns = corpLink.packets(lab.server(), "port 53");
            assertThat(String.join("\n", tunnelDns))
                    .contains("www.corp.example", "app.corp.example")
                    .doesNotContain("example.org", "zoom.us");

            assertThat(Files.readAllBytes(dns.resolvConf))
                    .as("byte-identical after disconnect")
                    .isEqualTo(DnsLab.RESOLV_CONF_BEFORE);
        }
        assertThat(Files.readAllBytes(Path.of("/etc/resolv.conf")))
                .as("the host's resolver file is never touched")
                .isEqualTo(hostResolvConf);
    }

    @Test
    void malformedQueriesShouldNotHurtTheForwarderAndKill9PlusRecoverShouldRestoreTheFile()
            throws Exception {
        try (DnsLab dns = DnsLab.start("sdk" + ProcessHandle.current().pid() % 10_000, directory)) {
            LabTopology lab = dns.lab;
            Path log = directory.resolve("sluice.log");
            Path socket = LabSluice.controlSocket(log);
            LabSluice sluice = up(dns, log);
            Path fuzz = directory.resolve("fuzz.py");
            Files.writeString(fuzz, FUZZ);
            String sent = lab.exec(lab.client(), "python3", fuzz.toString(), "10.66.0.2");
            assertThat(sent).contains("sent 1500 datagrams, 40 tcp streams");
            // Most of the flood overflowed the socket's receive buffer (counted drops, as on any
            // server); a client retries, as this one may, once the backlog is gone.
            String afterFlood;
            try {
                afterFlood = dig(lab, "+tries=3", "www.corp.example");
            } catch (java.io.IOException e) {
                throw new AssertionError(e.getMessage() + "\n" + sluice.log() + status(socket), e);
            }
            assertThat(afterFlood).isEqualTo("10.60.32.77");
            assertThat(dig(lab, "+tcp", "example.org")).isEqualTo("198.19.0.99");
            assertThat(sluice.exitCode()).as(sluice.log()).isEmpty();
            String status = status(socket);
            assertThat(status).containsPattern("queries: +\\d+ through the tunnel");
            assertThat(status).doesNotContain(" 0 malformed");

            sluice.kill();
            assertThat(Files.readString(dns.resolvConf)).startsWith("# written by sluice");
            // In the namespace, so that its resolver file is the one bind-mounted; exec fails
            // unless recover exits 0.
            String recover =
                    lab.exec(
                            lab.client(),
                            Launcher.binary().toAbsolutePath().toString(),
                            "recover",
                            "--state-dir",
                            LabSluice.stateDirectory(directory, lab.client()).toString());
            assertThat(recover).contains("system state is as it was before Sluice connected");
            assertThat(Files.readAllBytes(dns.resolvConf))
                    .as("byte-identical after kill -9 and recover")
                    .isEqualTo(DnsLab.RESOLV_CONF_BEFORE);
        }
        assertThat(Files.readAllBytes(Path.of("/etc/resolv.conf"))).isEqualTo(hostResolvConf);
    }

    @Test
    void withTheKernelStrategyALearnedAddressShouldBeARouteAndGoneAfterDisconnect()
            throws Exception {
        try (DnsLab dns = DnsLab.start("sdr" + ProcessHandle.current().pid() % 10_000, directory)) {
            LabTopology lab = dns.lab;
            Path log = directory.resolve("daemon.log");
            Path socket = LabSluice.controlSocket(log);
            Path config =
                    dns.fixture.writeClientConfig(
                            config(dns)
                                    .replace(
                                            "Mode = include", "Mode = include\nStrategy = kernel"));
            LabSluice daemon =
                    LabSluice.startDaemon(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            log,
                            directory.resolve("state"));
            try {
                daemon.awaitControlSocket();
                Launcher.Result connect =
                        Launcher.run("", "connect", "--wait", "20", "--socket", socket.toString());
                assertThat(connect.exitCode()).as(connect.err() + daemon.log()).isZero();
                assertThat(dig(lab, "app.corp.example")).isEqualTo(DnsLab.CORP_APP);
                assertThat(lab.exec(lab.client(), "ip", "route", "show", "table", "51820"))
                        .as("the learned address as a kernel route")
                        .contains(DnsLab.CORP_APP + " dev sluice0");
                assertThat(pings(lab, DnsLab.CORP_APP)).isTrue();

                // Disconnect while the record lives; its expiry comes later, in a daemon that
                // keeps running, and must not put anything back.
                assertThat(Launcher.run("", "disconnect", "--socket", socket.toString()).exitCode())
                        .isZero();
                Thread.sleep(3_500);
                assertThat(lab.tryExec(lab.client(), "ip", "route", "show", "table", "51820"))
                        .isBlank();
                assertThat(NetworkState.capture(lab, lab.client()))
                        .isEqualTo(dns.fixture.clientStateBefore());
                assertThat(Files.readAllBytes(dns.resolvConf)).isEqualTo(DnsLab.RESOLV_CONF_BEFORE);
            } finally {
                daemon.stop();
            }
        }
    }

    /**
     * Random datagrams, valid queries with random bytes changed or cut, responses instead of
     * queries, and TCP streams with bad lengths and garbage; replies are not awaited.
     */
    private static final String FUZZ =
            """
            import os, random, socket, struct, sys
            target = sys.argv[1]
            random.seed(20261201)
            def query(name, qid):
                q = struct.pack('>HHHHHH', qid, 0x0100, 1, 0, 0, 0)
                for label in name.split('.'):
                    q += bytes([len(label)]) + label.encode()
                return q + b'\\x00\\x00\\x01\\x00\\x01'
            valid = query('www.corp.example', 4660)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for i in range(1500):
                kind = i % 3
                if kind == 0:
                    data = os.urandom(random.randint(0, 600))
                elif kind == 1:
                    data = bytearray(valid)
                    for _ in range(random.randint(1, 6)):
                        data[random.randrange(len(data))] = random.randrange(256)
                    data = bytes(data[:random.randint(0, len(data))])
                else:
                    data = bytearray(valid)
                    data[2] |= 0x80
                    data[5] = random.randrange(256)
                    data = bytes(data)
                u.sendto(data, (target, 53))
            for i in range(40):
                t = socket.create_connection((target, 53), timeout=2)
                if i % 2 == 0:
                    t.sendall(struct.pack('>H', 65535) + os.urandom(100))
                else:
                    t.sendall(struct.pack('>H', 5) + os.urandom(5) + os.urandom(50))
                t.close()
            print('sent 1500 datagrams, 40 tcp streams')
            """;
}

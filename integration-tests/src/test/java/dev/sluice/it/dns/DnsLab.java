package dev.sluice.it.dns;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.dataplane.WireGuardGoLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The lab with two resolvers and a resolver file for the client namespace: {@code ip netns exec}
 * bind-mounts {@code /etc/netns/<client>/resolv.conf} over {@code /etc/resolv.conf}, so Sluice in
 * the namespace rewrites that file and the host's stays untouched. {@link #close()} removes the
 * file's directory, the resolvers (with the lab) and the namespaces.
 */
final class DnsLab implements AutoCloseable {
    static final String CORP_RESOLVER = LabTopology.CORP_HOST;
    static final String INTERNET_RESOLVER = LabTopology.INTERNET_HOST;

    /** A second corp address that only a TunnelDomains answer makes reachable. */
    static final String CORP_APP = "10.60.32.20";

    /**
     * The client's resolver file before Sluice: a comment, two servers, search and options, a
     * non-ASCII byte and no final newline, so that "byte-identical" means something.
     */
    static final byte[] RESOLV_CONF_BEFORE =
            ("# written by the test, as a DHCP client would\nnameserver "
                            + INTERNET_RESOLVER
                            + "\nnameserver 198.19.0.11\nsearch example.net\noptions edns0 timeout:2\n"
                            + "; \u00e9t\u00e9")
                    .getBytes(StandardCharsets.ISO_8859_1);

    final WireGuardGoLab fixture;
    final LabTopology lab;
    final Path directory;
    final Path netnsDirectory;
    final Path resolvConf;

    private DnsLab(WireGuardGoLab fixture, Path directory) {
        this.fixture = fixture;
        this.lab = fixture.topology();
        this.directory = directory;
        this.netnsDirectory = Path.of("/etc/netns", lab.client());
        this.resolvConf = netnsDirectory.resolve("resolv.conf");
    }

    static DnsLab start(String prefix, Path directory) throws Exception {
        WireGuardGoLab fixture = WireGuardGoLab.start(prefix, directory);
        DnsLab dns = new DnsLab(fixture, directory);
        try {
            dns.build();
            return dns;
        } catch (Exception | Error e) {
            dns.close();
            throw e;
        }
    }

    private void build() throws Exception {
        Files.createDirectories(netnsDirectory);
        Files.write(resolvConf, RESOLV_CONF_BEFORE);
        lab.exec(lab.corp(), "ip", "addr", "add", CORP_APP + "/24", "dev", "eth0");
        resolver(
                lab.corp(),
                CORP_RESOLVER,
                "corp",
                "--host-record=www.corp.example,10.60.32.77,300",
                "--cname=alias.corp.example,www.corp.example",
                "--host-record=app.corp.example," + CORP_APP + ",2");
        resolver(
                lab.internet(),
                INTERNET_RESOLVER,
                "internet",
                "--address=/#/198.19.0.99",
                "--host-record=video.zoom.us,198.19.5.5,300");
    }

    /** dnsmasq as an authoritative-style server: no upstream, every query logged. */
    private void resolver(String ns, String address, String name, String... records)
            throws Exception {
        Path log = directory.resolve(name + "-dns.log");
        Files.writeString(log, "");
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                "dnsmasq",
                                "--keep-in-foreground",
                                "--no-resolv",
                                "--no-hosts",
                                "--bind-interfaces",
                                "--listen-address=" + address,
                                "--log-queries",
                                "--log-facility=" + log,
                                "--pid-file=" + directory.resolve(name + "-dns.pid")));
        command.addAll(List.of(records));
        lab.start(
                ns,
                Map.of(),
                directory.resolve(name + "-dnsmasq.out"),
                command.toArray(String[]::new));
        for (int i = 0; i < 100; i++) {
            if (lab.tryExec(ns, "ss", "-uln").contains(address + ":53")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                "dnsmasq for " + name + " did not start: " + Files.readString(log));
    }

    String resolverLog(String name) throws IOException {
        return Files.readString(directory.resolve(name + "-dns.log"));
    }

    @Override
    public void close() throws Exception {
        try {
            fixture.close();
        } finally {
            if (Files.exists(netnsDirectory)) {
                try (Stream<Path> files = Files.walk(netnsDirectory)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }
}

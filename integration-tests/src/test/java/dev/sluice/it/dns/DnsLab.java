package dev.sluice.it.dns;

import dev.sluice.daemon.platform.linux.lab.LabResolvers;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.dataplane.WireGuardGoLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab with two resolvers and a resolver file for the client namespace: {@code ip netns exec}
 * bind-mounts {@code /etc/netns/<client>/resolv.conf} over {@code /etc/resolv.conf}, so Sluice in
 * the namespace rewrites that file and the host's stays untouched. {@link #close()} stops the
 * resolvers and removes the namespaces and that file (with the lab).
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
    final Path resolvConf;

    private final List<String> internetRecords;

    private DnsLab(WireGuardGoLab fixture, Path directory, List<String> internetRecords) {
        this.fixture = fixture;
        this.lab = fixture.topology();
        this.directory = directory;
        this.resolvConf = lab.clientResolverFile();
        this.internetRecords = internetRecords;
    }

    static DnsLab start(String prefix, Path directory) throws Exception {
        return start(prefix, directory, List.of());
    }

    /**
     * As {@link #start(String, Path)}, the internet resolver (the network's own, untrusted) also
     * serving {@code internetRecords} (dnsmasq options such as {@code --host-record=...}).
     */
    static DnsLab start(String prefix, Path directory, List<String> internetRecords)
            throws Exception {
        WireGuardGoLab fixture = WireGuardGoLab.start(prefix, directory);
        DnsLab dns = new DnsLab(fixture, directory, internetRecords);
        try {
            dns.build();
            return dns;
        } catch (Exception | Error e) {
            dns.close();
            throw e;
        }
    }

    private void build() throws Exception {
        Files.createDirectories(resolvConf.getParent());
        Files.write(resolvConf, RESOLV_CONF_BEFORE);
        lab.exec(lab.corp(), "ip", "addr", "add", CORP_APP + "/24", "dev", "eth0");
        LabResolvers.dnsmasq(
                lab,
                lab.corp(),
                CORP_RESOLVER,
                directory,
                "corp",
                "--host-record=www.corp.example,10.60.32.77,300",
                "--cname=alias.corp.example,www.corp.example",
                "--host-record=app.corp.example," + CORP_APP + ",2");
        List<String> internet = new ArrayList<>(internetRecords);
        internet.add("--address=/#/198.19.0.99");
        internet.add("--host-record=video.zoom.us,198.19.5.5,300");
        LabResolvers.dnsmasq(
                lab,
                lab.internet(),
                INTERNET_RESOLVER,
                directory,
                "internet",
                internet.toArray(String[]::new));
    }

    String resolverLog(String name) throws IOException {
        return Files.readString(directory.resolve(name + "-dns.log"));
    }

    /** Stops everything and removes the namespaces with their resolver files. */
    @Override
    public void close() throws Exception {
        fixture.close();
    }
}

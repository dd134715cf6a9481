package dev.sluice.it.systemd;

import dev.sluice.daemon.platform.linux.lab.LabResolvers;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the service tests share: the built .deb, the lab with wireguard-go and two resolvers (corp
 * behind the peer, internet on the bypass side), and the client configuration the packaged daemon
 * runs with (AutoConnect, the corp resolver through the tunnel for {@code corp.example}).
 */
final class SluiceBed {
    /** What the corp resolver answers for {@link #CORP_NAME}. */
    static final String CORP_NAME = "www.corp.example";

    static final String CORP_ANSWER = "10.60.32.77";

    /** The internet resolver answers every name with this. */
    static final String INTERNET_ANSWER = "198.19.0.99";

    private SluiceBed() {}

    /**
     * What every service test needs (skipped without, a failure under {@code CI=true}): network
     * namespaces, wireguard-go as the server, dnsmasq as the resolvers, systemd-nspawn and
     * debootstrap for the host under test.
     */
    static void requireTheBed() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("dnsmasq", "the corp and internet resolvers");
        Privileged.requireTool("systemd-nspawn", "boots the host under test (systemd-container)");
        Privileged.requireTool("debootstrap", "builds the host's root file system");
    }

    /**
     * The lab with wireguard-go as the server and both resolvers running (namespaces {@code
     * prefix-*}).
     */
    static WireGuardGoLab startLab(String prefix, Path directory) throws Exception {
        WireGuardGoLab fixture = WireGuardGoLab.start(prefix, directory);
        try {
            startResolvers(fixture.topology(), directory);
            return fixture;
        } catch (Exception | Error e) {
            fixture.close();
            throw e;
        }
    }

    /** Powers {@code host} off, then removes the lab; either may be null (a failed set-up). */
    static void tearDown(SystemdContainer host, WireGuardGoLab fixture) throws Exception {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    /** {@code packaging/target/sluice_<version>_amd64.deb}, built by {@code ./mvnw package}. */
    static Path deb() throws IOException {
        Path target = Launcher.binary().toAbsolutePath().getParent().getParent().getParent();
        try (DirectoryStream<Path> debs = Files.newDirectoryStream(target, "sluice_*_amd64.deb")) {
            for (Path deb : debs) {
                return deb;
            }
        }
        throw new IllegalStateException(
                "no sluice_*_amd64.deb in " + target + ": run ./mvnw package");
    }

    /** Starts dnsmasq as the corp and the internet resolver (stopped with the lab). */
    private static void startResolvers(LabTopology lab, Path directory) throws Exception {
        LabResolvers.dnsmasq(
                lab,
                lab.corp(),
                LabTopology.CORP_HOST,
                directory,
                "corp",
                "--host-record=" + CORP_NAME + "," + CORP_ANSWER + ",300");
        LabResolvers.dnsmasq(
                lab,
                lab.internet(),
                LabTopology.INTERNET_HOST,
                directory,
                "internet",
                "--address=/#/" + INTERNET_ANSWER);
    }

    /**
     * The service's configuration: connects at start, tunnels 10.60.32.0/24 (the corp hosts), and
     * resolves {@code corp.example} through the corp resolver in the tunnel.
     */
    static String config(WireGuardGoLab fixture) {
        return fixture.clientConfig(
                51820,
                "10.0.0.0/8, fd00::/8",
                List.of("AutoConnect = true", "DNS = " + LabTopology.CORP_HOST + ", corp.example"),
                List.of(
                        "Mode = include",
                        "Tunnel = 10.60.32.0/24",
                        "TunnelDomains = corp.example"));
    }

    /** The queries for {@code name} the resolver {@code corp}/{@code internet} saw, by source. */
    static String resolverLog(Path directory, String server) throws IOException {
        return Files.readString(directory.resolve(server + "-dns.log"));
    }
}

package dev.sluice.it.dataplane;

import dev.sluice.crypto.PrivateKey;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * What most namespace tests start from: the lab topology, the client namespace's state captured
 * before anything runs, and wireguard-go serving a fresh client key. {@link #close()} stops the
 * server and removes the namespaces.
 */
public final class WireGuardGoLab implements AutoCloseable {
    private final LabTopology lab;
    private final Path directory;
    private final String clientStateBefore;
    private final PrivateKey clientKey;
    private LabPeer server;

    private WireGuardGoLab(LabTopology lab, Path directory) throws Exception {
        this.lab = lab;
        this.directory = directory;
        this.clientStateBefore = NetworkState.capture(lab, lab.client());
        SecureRandom random = new SecureRandom();
        this.clientKey = PrivateKey.generate(random);
        this.server =
                LabPeer.start(
                        LabPeer.Kind.WIREGUARD_GO,
                        lab,
                        Launcher.binary(),
                        PrivateKey.generate(random),
                        clientKey.publicKey().toBase64(),
                        directory);
    }

    /**
     * Builds namespaces {@code <prefix>-*} and starts the server; files go to {@code directory}.
     */
    public static WireGuardGoLab start(String prefix, Path directory) throws Exception {
        LabTopology lab = LabTopology.create(prefix);
        try {
            return new WireGuardGoLab(lab, directory);
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    public LabTopology topology() {
        return lab;
    }

    public LabPeer server() {
        return server;
    }

    /** The client's public key, as the server knows it. */
    public String clientPublicKey() {
        return clientKey.publicKey().toBase64();
    }

    /** {@link NetworkState} of the client namespace before any test step. */
    public String clientStateBefore() {
        return clientStateBefore;
    }

    /**
     * The client's configuration: its key and tunnel addresses 10.66.0.2/32, fd66::2/128, then
     * {@code interfaceLines}; the server as its one peer at {@code 198.18.1.2:<port>} with {@code
     * allowedIps}; then {@code splitLines} under {@code [Split]} when there are any.
     */
    public String clientConfig(
            int port, String allowedIps, List<String> interfaceLines, List<String> splitLines) {
        List<String> lines = new ArrayList<>();
        lines.add("[Interface]");
        lines.add("PrivateKey = " + clientKey.toBase64());
        lines.add("Address = 10.66.0.2/32, fd66::2/128");
        lines.addAll(interfaceLines);
        lines.add("[Peer]");
        lines.add("PublicKey = " + server.publicKey());
        lines.add("Endpoint = 198.18.1.2:" + port);
        lines.add("AllowedIPs = " + allowedIps);
        if (!splitLines.isEmpty()) {
            lines.add("[Split]");
            lines.addAll(splitLines);
        }
        return String.join("\n", lines) + "\n";
    }

    /** Writes {@code text} to {@code client.conf} in the test directory, mode 0600. */
    public Path writeClientConfig(String text) throws Exception {
        return LabPeer.secretFile(directory.resolve("client.conf"), text);
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null) {
                server.close();
                server = null;
            }
        } finally {
            lab.close();
        }
    }
}

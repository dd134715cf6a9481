package dev.sluice.daemon.platform.linux.lab;

import dev.sluice.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The WireGuard server in the lab's server namespace: a real wireguard-go configured with the stock
 * {@code wg}, or a second Sluice with {@code Table = off} (a server routes nothing itself; the
 * kernel forwards between its tun and the corp network). Either accepts the client's handshake and
 * forwards for addresses 10.66.0.2 and fd66::2.
 */
public final class LabPeer implements AutoCloseable {
    /** Which implementation serves. */
    public enum Kind {
        WIREGUARD_GO,
        SLUICE
    }

    /** The tun of a Sluice server. */
    public static final String SERVER_INTERFACE = "slsrv0";

    private final Kind kind;
    private final PrivateKey key;
    private final LabTopology lab;
    private final String device;
    private LabSluice sluice;
    private Process wireGuardGo;

    private LabPeer(Kind kind, PrivateKey key, LabTopology lab, String device) {
        this.kind = kind;
        this.key = key;
        this.lab = lab;
        this.device = device;
    }

    /** Starts the server for the client with public key {@code clientPublicKey}. */
    public static LabPeer start(
            Kind kind,
            LabTopology lab,
            Path binary,
            PrivateKey key,
            String clientPublicKey,
            Path directory)
            throws IOException, InterruptedException {
        return start(kind, lab, binary, key, clientPublicKey, directory, Map.of());
    }

    /**
     * Starts the server with extra {@code environment} variables (a Sluice server's {@code
     * SLUICE_OFFLOADS}, for instance).
     */
    public static LabPeer start(
            Kind kind,
            LabTopology lab,
            Path binary,
            PrivateKey key,
            String clientPublicKey,
            Path directory,
            Map<String, String> environment)
            throws IOException, InterruptedException {
        // A host-unique name: wireguard-go's UAPI socket lives in the shared /var/run/wireguard.
        String device =
                kind == Kind.SLUICE
                        ? SERVER_INTERFACE
                        : "slwg" + ProcessHandle.current().pid() % 100_000;
        LabPeer peer = new LabPeer(kind, key, lab, device);
        try {
            if (kind == Kind.WIREGUARD_GO) {
                peer.startWireGuardGo(clientPublicKey, directory);
            } else {
                peer.startSluice(binary, clientPublicKey, directory, environment);
            }
            return peer;
        } catch (IOException | InterruptedException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    private void startWireGuardGo(String clientPublicKey, Path directory)
            throws IOException, InterruptedException {
        Path keyFile = secretFile(directory.resolve("server.key"), key.toBase64() + "\n");
        Path log = directory.resolve("wireguard-go.log");
        wireGuardGo =
                lab.start(
                        lab.server(),
                        Map.of(
                                "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD",
                                "1",
                                "LOG_LEVEL",
                                "verbose"),
                        log,
                        "wireguard-go",
                        "-f",
                        device);
        Path socket = Path.of("/var/run/wireguard", device + ".sock");
        for (int i = 0; i < 200 && !Files.exists(socket); i++) {
            Thread.sleep(25);
        }
        if (!Files.exists(socket)) {
            throw new IllegalStateException("wireguard-go did not start: " + Files.readString(log));
        }
        String ns = lab.server();
        lab.exec(
                ns,
                "wg",
                "set",
                device,
                "private-key",
                keyFile.toString(),
                "listen-port",
                Integer.toString(LabTopology.PEER_PORT),
                "peer",
                clientPublicKey,
                "allowed-ips",
                LabTopology.CLIENT_TUNNEL + "/32," + LabTopology.CLIENT_TUNNEL6 + "/128");
        lab.exec(ns, "ip", "addr", "add", LabTopology.SERVER_TUNNEL + "/24", "dev", device);
        lab.exec(
                ns,
                "ip",
                "-6",
                "addr",
                "add",
                LabTopology.SERVER_TUNNEL6 + "/64",
                "dev",
                device,
                "nodad");
        lab.exec(ns, "ip", "link", "set", device, "mtu", "1420", "up");
    }

    private void startSluice(
            Path binary, String clientPublicKey, Path directory, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path config =
                secretFile(
                        directory.resolve("server.conf"),
                        String.join(
                                "\n",
                                "[Interface]",
                                "PrivateKey = " + key.toBase64(),
                                "Address = "
                                        + LabTopology.SERVER_TUNNEL
                                        + "/24, "
                                        + LabTopology.SERVER_TUNNEL6
                                        + "/64",
                                "ListenPort = " + LabTopology.PEER_PORT,
                                // Not the client's name: the WireGuard API socket path is global.
                                "Name = " + SERVER_INTERFACE,
                                "Table = off",
                                "",
                                "[Peer]",
                                "PublicKey = " + clientPublicKey,
                                "AllowedIPs = "
                                        + LabTopology.CLIENT_TUNNEL
                                        + "/32, "
                                        + LabTopology.CLIENT_TUNNEL6
                                        + "/128",
                                ""));
        Path log = directory.resolve("server-sluice.log");
        sluice =
                LabSluice.start(
                        lab,
                        lab.server(),
                        binary,
                        config,
                        log,
                        LabSluice.stateDirectory(directory, lab.server()),
                        environment);
        sluice.awaitConnected();
    }

    /** Writes a file only its owner can read (keys and configurations holding keys). */
    public static Path secretFile(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
        return file;
    }

    /** The server's tunnel interface in the server namespace. */
    public String device() {
        return device;
    }

    public Kind kind() {
        return kind;
    }

    public String publicKey() {
        return key.publicKey().toBase64();
    }

    /**
     * The peer's view of its peers ({@code wg show <dev> dump}), or Sluice's log for a Sluice peer.
     */
    public String describe() throws IOException {
        return kind == Kind.WIREGUARD_GO
                ? lab.tryExec(lab.server(), "wg", "show", device, "dump")
                : sluice.log();
    }

    /**
     * Whether wireguard-go reports a completed handshake with the client (always true for Sluice).
     */
    public boolean handshakeCompleted() throws IOException {
        if (kind == Kind.SLUICE) {
            return sluice.log().contains(" connected: ");
        }
        String latest = lab.exec(lab.server(), "wg", "show", device, "latest-handshakes");
        return latest.lines().anyMatch(line -> !line.strip().endsWith("\t0") && !line.isBlank());
    }

    @Override
    public void close() throws IOException {
        if (sluice != null) {
            try {
                sluice.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (wireGuardGo != null) {
            LabTopology.stop(wireGuardGo);
        }
        // wireguard-go removes its socket on SIGTERM, but not when it had to be killed.
        Files.deleteIfExists(Path.of("/var/run/wireguard", device + ".sock"));
    }
}

package dev.sluice.it.interop;

import dev.sluice.it.netns.Namespaces;
import dev.sluice.it.netns.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A real wireguard-go (Debian package) in a test namespace, configured with the stock {@code wg}.
 * The interface name is unique per test run so its UAPI socket in /var/run/wireguard cannot clash
 * with another one; the socket is removed when the process is stopped.
 */
public final class WireGuardGo {
    private final Namespaces namespaces;
    private final String namespace;
    private final String device;
    private final Path directory;
    private final String privateKey;
    private final String publicKey;

    public WireGuardGo(Namespaces namespaces, String namespace, String device, Path directory)
            throws IOException {
        this.namespaces = namespaces;
        this.namespace = namespace;
        this.device = device;
        this.directory = directory;
        this.privateKey = Shell.check("wg", "genkey").strip();
        this.publicKey =
                Shell.run(java.util.List.of("wg", "pubkey"), Map.of(), privateKey).out().strip();
        Path keyFile = directory.resolve(device + ".key");
        Files.writeString(keyFile, privateKey + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        namespaces.start(
                namespace,
                Map.of("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1", "LOG_LEVEL", "verbose"),
                directory.resolve(device + ".log"),
                "wireguard-go",
                "-f",
                device);
        Path socket = Path.of("/var/run/wireguard", device + ".sock");
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            sleep(50);
        }
        if (!Files.exists(socket)) {
            throw new IllegalStateException(
                    "wireguard-go did not create "
                            + socket
                            + ": "
                            + Files.readString(directory.resolve(device + ".log")));
        }
        namespaces.exec(
                namespace,
                "wg",
                "set",
                device,
                "private-key",
                keyFile.toString(),
                "listen-port",
                "51820");
    }

    public String publicKey() {
        return publicKey;
    }

    public String privateKey() {
        return privateKey;
    }

    public String device() {
        return device;
    }

    /** Adds the peer, with an endpoint when given (null: wait to be contacted). */
    public void addPeer(String peerPublicKey, String allowedIps, String endpoint) {
        if (endpoint == null) {
            namespaces.exec(
                    namespace,
                    "wg",
                    "set",
                    device,
                    "peer",
                    peerPublicKey,
                    "allowed-ips",
                    allowedIps);
        } else {
            namespaces.exec(
                    namespace,
                    "wg",
                    "set",
                    device,
                    "peer",
                    peerPublicKey,
                    "allowed-ips",
                    allowedIps,
                    "endpoint",
                    endpoint);
        }
    }

    /** Address on the tun, then link up. */
    public void up(String address) {
        namespaces.exec(namespace, "ip", "addr", "add", address, "dev", device);
        namespaces.exec(namespace, "ip", "link", "set", device, "up");
    }

    public String log() throws IOException {
        return Files.readString(directory.resolve(device + ".log"));
    }

    /** `wg show <device> <what>` inside the namespace. */
    public String show(String what) {
        return namespaces.exec(namespace, "wg", "show", device, what);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the UAPI socket wireguard-go leaves behind if it is killed. */
    public void cleanUp() throws IOException {
        Files.deleteIfExists(Path.of("/var/run/wireguard", device + ".sock"));
    }
}

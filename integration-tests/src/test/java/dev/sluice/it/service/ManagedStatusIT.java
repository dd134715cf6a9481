package dev.sluice.it.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet administrator's managed overlay (the Tunnel list, the MTU, a peer's keepalive) in a lab
 * daemon: applied, kept over the user's reload, and named with its source by {@code sluice status}
 * and {@code status --json}.
 */
class ManagedStatusIT {
    @TempDir Path directory;

    private Path socket;

    /** Its own interface name, so its WireGuard API socket is not another test's. */
    private final String tun = "slm" + ProcessHandle.current().pid() % 10_000;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "reads the keepalive Sluice applied");
    }

    private Launcher.Result cli(String stdin, String... args) throws Exception {
        List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--socket", socket.toString()));
        return Launcher.run(stdin, full.toArray(String[]::new));
    }

    private String userConfig(WireGuardGoLab fixture, String mtu) {
        return fixture.clientConfig(
                51820,
                "10.0.0.0/8, 198.19.0.0/16, fd00::/8",
                List.of("Name = " + tun, "MTU = " + mtu),
                List.of("Mode = include", "Tunnel = 10.60.0.0/16"));
    }

    @Test
    void statusShouldNameEachManagedKeyAndItsSourceWhenAnOverlayIsApplied() throws Exception {
        try (WireGuardGoLab fixture =
                WireGuardGoLab.start("slm" + ProcessHandle.current().pid() % 10_000, directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            String server = fixture.server().publicKey();
            Path config = fixture.writeClientConfig(userConfig(fixture, "1420"));
            Path managed = Files.createDirectory(directory.resolve("managed.d"));
            Path fleet =
                    Files.writeString(
                            managed.resolve("10-fleet.conf"),
                            "[Interface]\nMTU = 1380\n"
                                    + "[Split]\nTunnel = 10.60.0.0/16, 198.19.0.0/24\n");
            Path peer =
                    Files.writeString(
                            managed.resolve("20-peer.conf"),
                            "[Peer]\nPublicKey = " + server + "\nPersistentKeepalive = 15\n");
            List<String> expected =
                    List.of(
                            "managed:    Interface.MTU from " + fleet,
                            "managed:    Peer(" + server + ").PersistentKeepalive from " + peer,
                            "managed:    Split.Tunnel from " + fleet);

            Path log = directory.resolve("daemon.log");
            socket = directory.resolve("daemon.sock");
            Process daemon =
                    lab.start(
                            lab.client(),
                            Map.of(),
                            log,
                            Launcher.binary().toAbsolutePath().toString(),
                            "daemon",
                            "--config",
                            config.toString(),
                            "--managed-dir",
                            managed.toString(),
                            "--state-dir",
                            directory.resolve("state").toString(),
                            "--socket",
                            socket.toString());
            try {
                awaitSocket(daemon, log);
                // Disconnected: the keys the next connect would take from the overlay.
                assertThat(cli("", "status").out().lines()).containsAll(expected);

                Launcher.Result connect = cli("", "connect", "--wait", "20");
                assertThat(connect.exitCode()).as(connect.err() + Files.readString(log)).isZero();
                assertThat(lab.exec(lab.client(), "ip", "-o", "link", "show", tun))
                        .contains("mtu 1380");
                assertThat(lab.exec(lab.client(), "wg", "show", tun, "persistent-keepalive"))
                        .contains(server + "\t15");
                assertThat(cli("198.19.0.10\n", "classify").out())
                        .contains("198.19.0.10 tunnel 198.19.0.0/24");

                Launcher.Result status = cli("", "status");
                assertThat(status.out().lines())
                        .as(status.out())
                        .containsAll(expected)
                        .noneMatch(line -> line.startsWith("managed:    Interface.Address"));
                assertThat(managedKeys(cli("", "status", "--json").out()))
                        .contains(
                                "Interface.MTU " + fleet,
                                "Peer(" + server + ").PersistentKeepalive " + peer,
                                "Split.Tunnel " + fleet)
                        .noneMatch(key -> key.startsWith("Interface.Address "));

                // The user's edit and reload change nothing the overlay sets; status says why.
                Files.writeString(config, userConfig(fixture, "1280"));
                Launcher.Result reload = cli("", "reload");
                assertThat(reload.exitCode()).as(reload.err()).isZero();
                assertThat(cli("198.19.0.10\n", "classify").out())
                        .contains("198.19.0.10 tunnel 198.19.0.0/24");
                assertThat(lab.exec(lab.client(), "ip", "-o", "link", "show", tun))
                        .contains("mtu 1380");
                assertThat(cli("", "status").out().lines()).containsAll(expected);

                assertThat(cli("", "disconnect").out()).contains("disconnected");
            } finally {
                daemon.destroy();
                assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
            }
            assertThat(daemon.exitValue()).as(Files.readString(log)).isZero();
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }

    /** {@code status --json}'s managedKeys, as {@code "<key> <source>"}. */
    private static List<String> managedKeys(String json) throws Exception {
        JsonNode status = new ObjectMapper().readTree(json);
        assertThat(status.path("managedKeys").isArray()).as(json).isTrue();
        List<String> keys = new ArrayList<>();
        for (JsonNode key : status.path("managedKeys")) {
            keys.add(key.path("key").asText() + " " + key.path("source").asText());
        }
        return keys;
    }

    /** Waits until the daemon's control socket exists; fails with its log if it exits first. */
    private void awaitSocket(Process daemon, Path log) throws Exception {
        long deadlineMs = System.currentTimeMillis() + 10_000;
        while (!Files.exists(socket)) {
            if (!daemon.isAlive() || System.currentTimeMillis() > deadlineMs) {
                throw new IllegalStateException(
                        "no control socket at " + socket + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }
}

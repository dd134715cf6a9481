package dev.sluice.it.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonIT {
    @TempDir Path directory;

    private Path socket;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "the stock WireGuard tool, against Sluice's API");
        Privileged.requireTool("setpriv", "runs the CLI as an unprivileged user");
    }

    private WireGuardGoLab fixture;

    private String config(int port, String extraTunnel) {
        return fixture.clientConfig(
                port,
                "10.0.0.0/8, 198.19.0.0/16, fd00::/8",
                List.of("MetricsPort = 19464"),
                List.of("Mode = include", "Tunnel = 10.60.0.0/16" + extraTunnel));
    }

    private Launcher.Result cli(String stdin, String... args) throws Exception {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--socket";
        full[args.length + 1] = socket.toString();
        return Launcher.run(stdin, full);
    }

    @Test
    void anOperatorShouldDriveTheDaemonThroughTheControlSocketAndWg() throws Exception {
        try (WireGuardGoLab started =
                WireGuardGoLab.start("sld" + ProcessHandle.current().pid() % 10_000, directory)) {
            fixture = started;
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            LabPeer server = fixture.server();
            Path config = fixture.writeClientConfig(config(51820, ""));
            Path state = directory.resolve("state");
            socket = LabSluice.controlSocket(directory.resolve("daemon.log"));
            LabSluice daemon =
                    LabSluice.startDaemon(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            directory.resolve("daemon.log"),
                            state);
            try {
                daemon.awaitControlSocket();
                assertThat(cli("", "status").out())
                        .as(daemon.log())
                        .contains("state:      disconnected");

                Launcher.Result connect = cli("", "connect", "--wait", "20");
                assertThat(connect.exitCode()).as(connect.err() + daemon.log()).isZero();
                assertThat(connect.out()).contains("connected");
                assertThat(cli("", "connect").exitCode()).as("idempotent").isZero();

                Launcher.Result status = cli("", "status", "--json");
                assertThat(status.out())
                        .contains(
                                "\"state\":\"connected\"",
                                "\"interfaceName\":\"sluice0\"",
                                server.publicKey());
                Launcher.Result classify = cli("10.60.32.10\n198.19.0.10\n", "classify");
                assertThat(classify.out())
                        .contains("10.60.32.10 tunnel 10.60.0.0/16 " + server.publicKey())
                        .contains("198.19.0.10 bypass - -");

                String dump = lab.exec(lab.client(), "wg", "show", "sluice0", "dump");
                assertThat(dump)
                        .contains(
                                server.publicKey()
                                        + "\t(none)\t198.18.1.2:51820\t10.0.0.0/8,198.19.0.0/16,fd00::/8");
                assertThat(lab.exec(lab.client(), "wg", "show", "sluice0", "latest-handshakes"))
                        .doesNotContain("\t0\n");
                assertThat(cli("", "metrics").out())
                        .contains(
                                "sluice_handshakes_total{event=\"completed\"} 1.0",
                                "sluice_state{state=\"connected\"} 1.0");
                // The same over HTTP on the namespace's loopback (MetricsPort).
                assertThat(
                                lab.exec(
                                        lab.client(),
                                        "bash",
                                        "-c",
                                        "exec 3<>/dev/tcp/127.0.0.1/19464; printf 'GET /metrics"
                                                + " HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3"))
                        .contains(
                                "200 OK",
                                "sluice_route_operations_total",
                                "sluice_handshakes_total");

                // Reload: the split list changes, the tunnel stays (no new handshake needed).
                Files.writeString(config, config(51820, ", 198.19.0.0/24"));
                Launcher.Result reload = cli("", "reload");
                assertThat(reload.out() + reload.err())
                        .contains("reloaded without dropping the tunnel");
                assertThat(cli("198.19.0.10\n", "classify").out())
                        .contains("198.19.0.10 tunnel 198.19.0.0/24");
                Files.writeString(config, "[Interface]\nPrivateKey = nonsense\n");
                Launcher.Result refused = cli("", "reload");
                assertThat(refused.exitCode()).isEqualTo(1);
                assertThat(refused.err())
                        .contains("reload refused, the running configuration stays");
                assertThat(cli("198.19.0.10\n", "classify").out())
                        .contains("198.19.0.10 tunnel 198.19.0.0/24");

                // Only root, the daemon's user and group sluice may talk to the daemon.
                // (The socket opened to everyone, so that only the credentials check stops it.)
                Files.setPosixFilePermissions(
                        directory, PosixFilePermissions.fromString("rwx--x--x"));
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
                Launcher.Result stranger =
                        Launcher.runAs("65534", "", "status", "--socket", socket.toString());
                assertThat(stranger.exitCode()).isEqualTo(1);
                assertThat(stranger.err()).contains("permission denied: user nobody");

                Launcher.Result disconnect = cli("", "disconnect");
                assertThat(disconnect.out()).contains("disconnected");
                assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);

                // A peer that never answers: the error state with the reason, not a hang.
                Files.writeString(config, config(51999, ""));
                Launcher.Result unreachable = cli("", "connect", "--wait", "40");
                assertThat(unreachable.exitCode()).isEqualTo(1);
                assertThat(unreachable.out())
                        .contains("error: no handshake with", "198.18.1.2:51999");
                assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
            } finally {
                assertThat(daemon.stop()).as(daemon.log()).isZero();
            }
            assertThat(Files.exists(socket)).as("control socket removed").isFalse();
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }
}

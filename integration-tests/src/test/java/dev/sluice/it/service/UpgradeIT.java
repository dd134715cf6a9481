package dev.sluice.it.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a package upgrade does to a connected daemon (the .deb's postinst restarts the service:
 * stop, then start of the new binary): the stop leaves nothing behind, the new daemon reconnects by
 * itself (AutoConnect) and traffic flows again. Also {@code wg set} through the WireGuard API
 * changes a peer's allowed IPs on the running daemon.
 */
class UpgradeIT {
    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "the stock WireGuard tool");
    }

    @Test
    void aRestartForAnUpgradeShouldLeaveNothingBehindAndReconnect() throws Exception {
        try (WireGuardGoLab fixture =
                WireGuardGoLab.start("slu" + ProcessHandle.current().pid() % 10_000, directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            LabPeer server = fixture.server();
            Path config =
                    fixture.writeClientConfig(
                            fixture.clientConfig(
                                    51820,
                                    "10.0.0.0/8, fd00::/8",
                                    List.of("AutoConnect = true"),
                                    List.of()));
            Path state = directory.resolve("state");
            LabProbes probes = new LabProbes(lab, directory);
            LabSluice old =
                    LabSluice.startDaemon(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            directory.resolve("old.log"),
                            state);
            old.awaitConnected();
            assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST)).isTrue();

            // wg set on the running daemon: narrower allowed IPs take effect at once.
            lab.exec(
                    lab.client(),
                    "wg",
                    "set",
                    "sluice0",
                    "peer",
                    server.publicKey(),
                    "allowed-ips",
                    "10.60.32.0/24");
            assertThat(lab.exec(lab.client(), "wg", "show", "sluice0", "allowed-ips"))
                    .contains("10.60.32.0/24")
                    .doesNotContain("10.0.0.0/8");
            assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST)).isTrue();

            assertThat(old.stop()).as(old.log()).isZero();
            assertThat(NetworkState.capture(lab, lab.client()))
                    .as("between stop and start")
                    .isEqualTo(before);

            LabSluice upgraded =
                    LabSluice.startDaemon(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            directory.resolve("new.log"),
                            state);
            try {
                upgraded.awaitConnected();
                assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST))
                        .as(upgraded.log())
                        .isTrue();
                assertThat(lab.exec(lab.client(), "wg", "show", "sluice0", "allowed-ips"))
                        .as("the file is the configuration again after a restart")
                        .contains("10.0.0.0/8");
            } finally {
                assertThat(upgraded.stop()).isZero();
            }
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }
}

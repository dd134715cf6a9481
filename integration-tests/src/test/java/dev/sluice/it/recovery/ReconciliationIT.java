package dev.sluice.it.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabProbes;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.testkit.Privileged;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another program interferes while Sluice is connected: a deleted rule comes back within a second
 * or two and traffic flows again; a changed underlay default route triggers a re-handshake; a
 * program that keeps deleting is not fought in a loop; the exit still restores everything.
 */
class ReconciliationIT {
    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the server peer");
        Privileged.requireTool("wg", "configures wireguard-go");
        Privileged.requireTool("nft", "Sluice's firewall table");
    }

    @Test
    void deletedRulesShouldComeBackUnderlayChangesRehandshakeAndNoLoopIsFought() throws Exception {
        try (WireGuardGoLab fixture =
                WireGuardGoLab.start("slc" + ProcessHandle.current().pid() % 10_000, directory)) {
            LabTopology lab = fixture.topology();
            String before = fixture.clientStateBefore();
            Path config =
                    fixture.writeClientConfig(
                            fixture.clientConfig(
                                    51820, "10.0.0.0/8, fd00::/8", List.of(), List.of()));
            LabSluice sluice =
                    LabSluice.up(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config,
                            directory.resolve("client.log"));
            LabProbes probes = new LabProbes(lab, directory);
            int exitCode;
            try {
                assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST)).isTrue();

                lab.exec(lab.client(), "ip", "rule", "del", "pref", "5400");
                long deletedAtMs = System.currentTimeMillis();
                assertThat(within(3_000, () -> rules(lab).contains("5400:")))
                        .as("rule 5400 restored; log:\n" + sluice.log())
                        .isTrue();
                assertThat(System.currentTimeMillis() - deletedAtMs).isLessThan(2_500);
                assertThat(sluice.log()).contains("restored 1 entry removed by another program");
                assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST)).isTrue();

                lab.exec(
                        lab.client(),
                        "ip",
                        "route",
                        "replace",
                        "default",
                        "via",
                        "198.18.0.1",
                        "dev",
                        "eth0",
                        "proto",
                        "static");
                assertThat(within(3_000, () -> sluice.log().contains("underlay changed")))
                        .as(sluice.log())
                        .isTrue();
                assertThat(probes.ping(lab.client(), LabTopology.CORP_HOST)).isTrue();
                lab.exec(
                        lab.client(),
                        "ip",
                        "route",
                        "replace",
                        "default",
                        "via",
                        "198.18.0.1",
                        "dev",
                        "eth0",
                        "proto",
                        "boot");

                // A more specific route in main wins over the capture: reported.
                lab.exec(lab.client(), "ip", "route", "add", "10.60.32.0/24", "via", "198.18.0.1");
                assertThat(
                                within(
                                        3_000,
                                        () ->
                                                sluice.log()
                                                        .contains(
                                                                "another program added 'table main"
                                                                        + " unicast 10.60.32.0/24 via"
                                                                        + " 198.18.0.1")))
                        .as(sluice.log())
                        .isTrue();
                Launcher.Result status =
                        Launcher.run(
                                "",
                                "status",
                                "--socket",
                                LabSluice.controlSocket(directory.resolve("client.log"))
                                        .toString());
                assertThat(status.out())
                        .as(status.err())
                        .contains("overridden: table main unicast 10.60.32.0/24 via 198.18.0.1");
                lab.exec(lab.client(), "ip", "route", "del", "10.60.32.0/24");

                // Another VPN deleting the rule over and over: Sluice must give up, not loop.
                long endMs = System.currentTimeMillis() + 12_000;
                while (System.currentTimeMillis() < endMs
                        && !sluice.log().contains("not fighting it")) {
                    lab.tryExec(lab.client(), "ip", "rule", "del", "pref", "5300");
                    Thread.sleep(100);
                }
                assertThat(sluice.log())
                        .contains("keeps removing Sluice's routing entries", "not fighting it");
                Thread.sleep(1_000);
                assertThat(rules(lab)).as("given up: no longer re-applied").doesNotContain("5300:");
            } finally {
                exitCode = sluice.stop();
            }
            assertThat(exitCode).as(sluice.log()).isZero();
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        }
    }

    private static String rules(LabTopology lab) throws Exception {
        return lab.exec(lab.client(), "ip", "-4", "rule", "show");
    }

    private static boolean within(long timeoutMs, Callable<Boolean> condition) throws Exception {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadlineMs) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.call();
    }
}

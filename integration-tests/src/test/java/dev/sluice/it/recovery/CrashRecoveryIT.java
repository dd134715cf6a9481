package dev.sluice.it.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.crypto.PrivateKey;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.daemon.platform.linux.lab.LabSluice;
import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.testkit.Privileged;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at every journaled step of connect (after the change, and between its journal
 * record and the change), and in steady state; then {@code sluice recover} must exit 0 and leave
 * the client namespace exactly as it was, with the underlay working.
 */
class CrashRecoveryIT {
    private static final String HALT = "SLUICE_FAULT_HALT_AFTER_OPERATION";

    @TempDir Path directory;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("nft", "Sluice's firewall table");
        Privileged.requireTool("ping", "the underlay check");
    }

    private record Recovered(int exitCode, String output) {}

    private Path config() throws IOException {
        SecureRandom random = new SecureRandom();
        String text =
                String.join(
                        "\n",
                        "[Interface]",
                        "PrivateKey = " + PrivateKey.generate(random).toBase64(),
                        "Address = "
                                + LabTopology.CLIENT_TUNNEL
                                + "/32, "
                                + LabTopology.CLIENT_TUNNEL6
                                + "/128",
                        "",
                        "[Peer]",
                        "PublicKey = " + PrivateKey.generate(random).publicKey().toBase64(),
                        "Endpoint = " + LabTopology.SERVER_UNDERLAY + ":" + LabTopology.PEER_PORT,
                        "AllowedIPs = 0.0.0.0/0, ::/0",
                        "");
        return LabPeer.secretFile(directory.resolve("client.conf"), text);
    }

    private static Recovered recover(LabTopology lab, Path state)
            throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                lab.client(),
                                Launcher.binary().toAbsolutePath().toString(),
                                "recover",
                                "--state-dir",
                                state.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("sluice recover did not finish in 60 s");
        }
        return new Recovered(process.exitValue(), output);
    }

    private static boolean underlayWorks(LabTopology lab) throws IOException {
        return lab.tryExec(lab.client(), "ping", "-c", "1", "-W", "2", "198.18.0.1")
                .contains(" 0% packet loss");
    }

    @Test
    void aKillAtAnyStepOfConnectOrWhileConnectedShouldBeFullyRecovered() throws Exception {
        try (LabTopology lab = LabTopology.create("slr" + ProcessHandle.current().pid() % 10_000)) {
            String before = NetworkState.capture(lab, lab.client());
            Path config = config();
            List<String> covered = new ArrayList<>();
            for (int step = 1; ; step++) {
                for (String point : List.of("before:" + step, Integer.toString(step))) {
                    Path state = directory.resolve("state-" + point.replace(':', '-'));
                    Path log = directory.resolve("sluice-" + point.replace(':', '-') + ".log");
                    LabSluice sluice =
                            LabSluice.start(
                                    lab,
                                    lab.client(),
                                    Launcher.binary(),
                                    config,
                                    log,
                                    state,
                                    Map.of(HALT, point));
                    int exit = awaitHaltOrConnect(sluice);
                    if (exit == Integer.MIN_VALUE) {
                        // Connected: every step of connect is covered; this is the steady state.
                        assertThat(covered)
                                .as("journaled steps of connect")
                                .hasSizeGreaterThanOrEqualTo(20);
                        assertThat(sluice.kill()).isEqualTo(137);
                        assertThat(NetworkState.capture(lab, lab.client()))
                                .as("left behind by kill -9")
                                .isNotEqualTo(before);
                        assertRecovered(lab, state, before, "steady state");
                        autoRecoveryAtStart(lab, config, before);
                        return;
                    }
                    assertThat(exit).as(point + ":\n" + sluice.log()).isEqualTo(137);
                    assertThat(sluice.log()).contains("fault injection: halting");
                    assertThat(state.resolve("journal")).as(point).exists();
                    if (!point.startsWith("before:") && !diedWithTheTun(state)) {
                        assertThat(NetworkState.capture(lab, lab.client()))
                                .as("the change of step " + step + " is in place")
                                .isNotEqualTo(before);
                    }
                    assertRecovered(lab, state, before, point);
                    covered.add(point);
                }
                assertThat(step)
                        .as("connect should finish in a bounded number of steps")
                        .isLessThan(40);
            }
        }
    }

    /**
     * Whether the last journaled change was a setting of the tun itself (its forwarding, its
     * accept_local): those go with the tun when the process dies, so nothing is left to see.
     */
    private static boolean diedWithTheTun(Path state) throws IOException {
        List<String> lines =
                Files.readAllLines(state.resolve("journal")).stream()
                        .filter(line -> !line.isBlank())
                        .toList();
        return !lines.isEmpty() && lines.get(lines.size() - 1).contains(".conf.sluice0.");
    }

    /** Exit code after a halt, or {@link Integer#MIN_VALUE} when Sluice connected instead. */
    private static int awaitHaltOrConnect(LabSluice sluice) throws Exception {
        long deadlineMs = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadlineMs) {
            if (sluice.log().contains(" connected: ")) {
                return Integer.MIN_VALUE;
            }
            java.util.OptionalInt exit = sluice.exitCode();
            if (exit.isPresent()) {
                return exit.getAsInt();
            }
            Thread.sleep(20);
        }
        sluice.kill();
        throw new IllegalStateException(
                "sluice neither halted nor connected in 30 s:\n" + sluice.log());
    }

    /** Runs a command on the host (mounts for the read-only test); fails with its output. */
    private static void host(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
    }

    private static void assertRecovered(LabTopology lab, Path state, String before, String point)
            throws Exception {
        Recovered recovered = recover(lab, state);
        assertThat(recovered.exitCode()).as(point + ": " + recovered.output()).isZero();
        assertThat(recovered.output())
                .as(point)
                .contains("system state is as it was before Sluice connected");
        assertThat(NetworkState.capture(lab, lab.client())).as(point).isEqualTo(before);
        assertThat(state.resolve("journal")).as(point).doesNotExist();
        assertThat(underlayWorks(lab)).as(point + ": ping the router").isTrue();
    }

    /** A journal left behind is recovered by the next {@code sluice up} before it connects. */
    private void autoRecoveryAtStart(LabTopology lab, Path config, String before) throws Exception {
        Path state = directory.resolve("state-auto");
        LabSluice first =
                LabSluice.start(
                        lab,
                        lab.client(),
                        Launcher.binary(),
                        config,
                        directory.resolve("auto-1.log"),
                        state,
                        Map.of());
        first.awaitConnected();
        first.kill();
        LabSluice second =
                LabSluice.start(
                        lab,
                        lab.client(),
                        Launcher.binary(),
                        config,
                        directory.resolve("auto-2.log"),
                        state,
                        Map.of());
        second.awaitConnected();
        assertThat(second.log()).contains("recovering first", "recover: undid");
        assertThat(second.stop()).isZero();
        assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        assertThat(state.resolve("journal")).doesNotExist();
    }

    @Test
    void aReadOnlyStateDirectoryShouldStopTheConnectBeforeAnyChange() throws Exception {
        Path readOnly = Files.createDirectories(directory.resolve("read-only"));
        host("mount", "-t", "tmpfs", "-o", "ro,size=64k", "sluice-test", readOnly.toString());
        try (LabTopology lab = LabTopology.create("slo" + ProcessHandle.current().pid() % 10_000)) {
            String before = NetworkState.capture(lab, lab.client());
            LabSluice sluice =
                    LabSluice.start(
                            lab,
                            lab.client(),
                            Launcher.binary(),
                            config(),
                            directory.resolve("ro.log"),
                            readOnly.resolve("state"),
                            Map.of());
            assertThat(sluice.awaitExit(30_000)).isEqualTo(1);
            assertThat(sluice.log())
                    .contains(readOnly.resolve("state").toString())
                    .contains("Read-only file system")
                    .contains("nothing was changed");
            assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        } finally {
            host("umount", readOnly.toString());
        }
    }
}

package dev.sluice.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.it.netns.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb's service under a real systemd, on a host whose resolver is a plain {@code
 * /etc/resolv.conf}: installed and enabled, it starts at boot, connects, carries traffic and serves
 * split DNS; members of group {@code sluice} drive it, others are refused; after {@code kill -9}
 * systemd restarts it and recovery runs; {@code systemctl stop} leaves the namespace exactly as
 * before boot. One container boot for the whole class; the steps run in order on it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceUnderSystemdIT {
    private static final byte[] RESOLV_CONF =
            ("# written by the test, as a DHCP client would\nnameserver "
                            + LabTopology.INTERNET_HOST
                            + "\nsearch example.net\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @TempDir static Path directory;

    private static WireGuardGoLab fixture;
    private static LabTopology lab;
    private static String before;
    private static SystemdContainer host;

    @BeforeAll
    static void bootTheHost() throws Exception {
        SluiceBed.requireTheBed();
        Path deb = SluiceBed.deb();
        fixture = SluiceBed.startLab("sys" + ProcessHandle.current().pid() % 10_000, directory);
        lab = fixture.topology();
        before = fixture.clientStateBefore();
        host = SystemdContainer.create("sluicehost", lab.client(), directory.resolve("container"));
        host.installPackage(deb);
        Files.write(host.file("/etc/resolv.conf"), RESOLV_CONF);
        host.writeFile("/etc/sluice/sluice.conf", SluiceBed.config(fixture), "rw-------");
        host.chroot(
                        "systemctl enable sluice.service"
                                + " && useradd --create-home --groups sluice alice"
                                + " && useradd --create-home bob")
                .orThrow("enable and users");
        host.boot();
    }

    @AfterAll
    static void tearDown() throws Exception {
        SluiceBed.tearDown(host, fixture);
    }

    private static Shell.Output as(String user, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "setpriv";
        full[1] = "--reuid=" + user;
        full[2] = "--regid=" + user;
        full[3] = "--init-groups";
        System.arraycopy(command, 0, full, 4, command.length);
        return host.exec(full);
    }

    private static boolean pingsCorp() {
        return host.exec("ping", "-c", "1", "-W", "1", LabTopology.CORP_HOST).ok();
    }

    /** Waits up to {@code timeoutMs} for a ping to the corp host; returns the time it took. */
    private static long awaitCorpPingMs(long timeoutMs) throws InterruptedException {
        long startMs = System.currentTimeMillis();
        while (!pingsCorp()) {
            if (System.currentTimeMillis() - startMs > timeoutMs) {
                return -1;
            }
            Thread.sleep(200);
        }
        return System.currentTimeMillis() - startMs;
    }

    @Test
    @Order(1)
    void shouldRunConnectedFromBootWhenInstalledEnabledAndAutoConnecting() throws Exception {
        String journal = host.journal("sluice");
        assertThat(host.unitProperty("sluice", "ActiveState")).as(journal).isEqualTo("active");
        assertThat(host.unitProperty("sluice", "SubState")).isEqualTo("running");
        // Type=notify: "running" is reached on READY=1, and the status text comes with it.
        assertThat(host.unitProperty("sluice", "StatusText"))
                .isEqualTo("serving on /run/sluice/sluice.sock");
        String pid = host.unitProperty("sluice", "MainPID");
        assertThat(journal)
                .contains("sluice 0.1.0 starting: config /etc/sluice/sluice.conf, pid " + pid)
                .as("nothing to recover at the first boot: the recovery steps are skipped")
                .doesNotContain("nothing to undo");
        assertThat(awaitCorpPingMs(20_000)).as("traffic through the tunnel").isNotNegative();
        assertThat(host.execChecked("sluice", "status")).contains("state:      connected");
        assertThat(
                        host.execChecked(
                                "stat", "-c", "%a %U:%G", "/etc/sluice", "/run/sluice/sluice.sock"))
                .isEqualTo("750 root:sluice\n660 root:sluice\n");
    }

    @Test
    @Order(2)
    void shouldResolveCorporateNamesThroughTheTunnelWhenTheHostHasAPlainResolvConf()
            throws Exception {
        assertThat(host.readFile("/etc/resolv.conf"))
                .startsWith("# written by sluice")
                .contains("nameserver 10.66.0.2\n");
        assertThat(host.execChecked("getent", "ahostsv4", SluiceBed.CORP_NAME))
                .startsWith(SluiceBed.CORP_ANSWER + " ");
        assertThat(SluiceBed.resolverLog(directory, "corp"))
                .as("asked through the tunnel")
                .contains("query[A] " + SluiceBed.CORP_NAME + " from " + LabTopology.CLIENT_TUNNEL);
        assertThat(host.execChecked("getent", "ahostsv4", "www.example.org"))
                .startsWith(SluiceBed.INTERNET_ANSWER + " ");
        assertThat(SluiceBed.resolverLog(directory, "internet"))
                .as("asked directly, from the underlay address")
                .contains("query[A] www.example.org from " + LabTopology.CLIENT_UNDERLAY);
    }

    @Test
    @Order(3)
    void shouldServeGroupMembersAndRefuseOthersWhenTheyRunTheCliWithoutSudo() {
        Shell.Output status = as("alice", "sluice", "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("state:      connected");
        Shell.Output disconnect = as("alice", "sluice", "disconnect");
        assertThat(disconnect.out()).as(disconnect.err()).contains("disconnected");
        assertThat(pingsCorp()).as("no tunnel after disconnect").isFalse();
        Shell.Output connect = as("alice", "sluice", "connect", "--wait", "20");
        assertThat(connect.exitCode()).as(connect.err()).isZero();
        assertThat(connect.out()).contains("connected");

        Shell.Output stranger = as("bob", "sluice", "status");
        assertThat(stranger.exitCode()).isEqualTo(1);
        assertThat(stranger.err())
                .contains(
                        "sluice status: permission denied: user bob is not root and not in group"
                                + " sluice");
        assertThat(as("bob", "sluice", "disconnect").exitCode()).isEqualTo(1);
        assertThat(host.execChecked("sluice", "status")).contains("state:      connected");
    }

    @Test
    @Order(4)
    void shouldWriteASupportReportWithoutTheKeyWhenRunOnAConnectedHost() throws Exception {
        String written = host.execChecked("sluice", "bugreport", "-o", "/root/report.tar.gz");
        assertThat(written).startsWith("sluice bugreport: wrote /root/report.tar.gz (");
        Path extracted = Files.createDirectories(directory.resolve("report"));
        Shell.check(
                "tar",
                "-xzf",
                host.file("/root/report.tar.gz").toString(),
                "-C",
                extracted.toString());
        Path report = extracted.resolve("report");
        assertThat(Files.readString(report.resolve("system/nftables.txt")))
                .contains("table inet sluice");
        assertThat(Files.readString(report.resolve("system/ip-rules.txt")))
                .contains("5400:\tfrom all lookup 51820");
        assertThat(Files.readString(report.resolve("system/ip-routes.txt")))
                .contains("default dev sluice0");
        assertThat(Files.readString(report.resolve("system/resolver.txt")))
                .contains("# written by sluice");
        assertThat(Files.readString(report.resolve("journal/sluice.txt")))
                .contains("starting: config /etc/sluice/sluice.conf");
        assertThat(Files.readString(report.resolve("daemon/status.json")))
                .contains("\"state\" : \"connected\"");
        assertThat(Files.readString(report.resolve("daemon/metrics.txt"))).contains("sluice_state");
        assertThat(Files.readString(report.resolve("config/effective.conf")))
                .contains(
                        "PrivateKey = (redacted); its public key is " + fixture.clientPublicKey());
        assertThat(Files.readString(report.resolve("checks.txt")))
                .startsWith("# known problems found by sluice bugreport");
        String privateKey =
                SluiceBed.config(fixture)
                        .lines()
                        .filter(line -> line.startsWith("PrivateKey = "))
                        .findFirst()
                        .orElseThrow()
                        .substring("PrivateKey = ".length());
        byte[] raw = java.util.Base64.getDecoder().decode(privateKey);
        String hex = java.util.HexFormat.of().formatHex(raw);
        try (var files = Files.walk(extracted)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text =
                        new String(
                                Files.readAllBytes(file),
                                java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(text)
                        .as(file.toString())
                        .doesNotContain(
                                privateKey,
                                privateKey.replace("=", ""),
                                hex,
                                hex.toUpperCase(java.util.Locale.ROOT))
                        .doesNotContain(
                                new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    @Order(5)
    void shouldBeRestartedAndRecoveredBySystemdWhenKilled() throws Exception {
        assertThat(awaitCorpPingMs(20_000)).isNotNegative();
        String killedPid = host.unitProperty("sluice", "MainPID");
        long killedAtMs = System.currentTimeMillis();
        host.systemctl("kill", "-s", "KILL", "sluice").out();
        long deadlineMs = killedAtMs + 30_000;
        while (host.unitProperty("sluice", "MainPID").equals(killedPid)
                || !host.unitProperty("sluice", "ActiveState").equals("active")) {
            assertThat(System.currentTimeMillis())
                    .as("restarted within 30 s")
                    .isLessThan(deadlineMs);
            Thread.sleep(100);
        }
        long remainingMs = deadlineMs - System.currentTimeMillis();
        long pingMs = awaitCorpPingMs(Math.max(0, remainingMs));
        assertThat(pingMs).as("traffic again within 30 s of the kill").isNotNegative();
        System.out.printf(
                "systemd service: traffic through the tunnel again %.1f s after kill -9%n",
                (System.currentTimeMillis() - killedAtMs) / 1000.0);
        assertThat(host.unitProperty("sluice", "NRestarts")).isEqualTo("1");
        String journal = host.journal("sluice");
        assertThat(journal)
                .as("ExecStopPost recover undid the journal of the killed daemon")
                .containsPattern(
                        "undid [1-9][0-9]* change\\(s\\) journaled in /var/lib/sluice/journal");
        assertThat(journal.lines().filter(l -> l.contains(" starting: config ")).count())
                .isEqualTo(2);
    }

    @Test
    @Order(6)
    void shouldLeaveTheNamespaceAsBeforeBootWhenStopped() throws Exception {
        Shell.Output stop = host.systemctl("stop", "sluice");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(host.unitProperty("sluice", "ActiveState")).isEqualTo("inactive");
        assertThat(host.unitProperty("sluice", "Result")).isEqualTo("success");
        assertThat(host.systemctl("is-failed", "sluice").out().strip()).isEqualTo("inactive");
        assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        assertThat(Files.readAllBytes(host.file("/etc/resolv.conf"))).isEqualTo(RESOLV_CONF);
        String journal = host.journal("sluice");
        assertThat(journal.substring(journal.lastIndexOf("Stopping sluice.service")))
                .contains("Deactivated successfully")
                .doesNotContain("Failed with result");
    }
}

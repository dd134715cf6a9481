package dev.sluice.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.it.netns.Shell;
import dev.sluice.testkit.Privileged;
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
 * The packaged service on a host whose names are managed by systemd-resolved: split DNS through
 * per-link settings on the tun; an upgrade to a newer .deb while connected restarts the daemon into
 * the new version and the tunnel comes back by itself (the longest gap of a 10 Hz ping through the
 * tunnel is printed); {@code apt-get purge} leaves no unit, user, group, state, rules, routes or
 * resolver settings. One container boot for the whole class; the steps run in order on it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeUnderSystemdIT {
    /** The version of the package built by the test to upgrade to. */
    private static final String NEXT_VERSION = "0.1.1~upgradetest";

    @TempDir static Path directory;

    private static WireGuardGoLab fixture;
    private static LabTopology lab;
    private static String before;
    private static SystemdContainer host;

    @BeforeAll
    static void bootTheHost() throws Exception {
        SluiceBed.requireTheBed();
        Privileged.requireTool("dpkg-deb", "builds the package to upgrade to");
        Path deb = SluiceBed.deb();
        fixture = SluiceBed.startLab("upg" + ProcessHandle.current().pid() % 10_000, directory);
        lab = fixture.topology();
        before = fixture.clientStateBefore();
        host = SystemdContainer.create("sluicehost", lab.client(), directory.resolve("container"));
        // systemd-resolved manages names: the stub in /etc/resolv.conf, the network's resolver
        // (the internet one) as its global server.
        host.writeFile(
                "/etc/systemd/resolved.conf.d/lab.conf",
                "[Resolve]\nDNS=" + LabTopology.INTERNET_HOST + "\nLLMNR=no\nMulticastDNS=no\n",
                "rw-r--r--");
        host.chroot(
                        "systemctl enable systemd-resolved.service"
                                + " && ln -sf ../run/systemd/resolve/stub-resolv.conf"
                                + " /etc/resolv.conf")
                .orThrow("enabling systemd-resolved");
        host.installPackage(deb);
        host.writeFile("/etc/sluice/sluice.conf", SluiceBed.config(fixture), "rw-------");
        host.chroot("systemctl enable sluice.service").orThrow("systemctl enable");
        host.boot();
    }

    @AfterAll
    static void tearDown() throws Exception {
        SluiceBed.tearDown(host, fixture);
    }

    private static boolean pingsCorp() {
        return host.exec("ping", "-c", "1", "-W", "1", LabTopology.CORP_HOST).ok();
    }

    private static void awaitCorpPing(long timeoutMs) throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (!pingsCorp()) {
            assertThat(System.currentTimeMillis())
                    .as(
                            "traffic through the tunnel within "
                                    + timeoutMs
                                    + " ms\n"
                                    + host.journal("sluice"))
                    .isLessThan(deadlineMs);
            Thread.sleep(200);
        }
    }

    private static void awaitConnected(long timeoutMs) throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (!host.exec("sluice", "status").out().contains("state:      connected")) {
            assertThat(System.currentTimeMillis())
                    .as("connected within " + timeoutMs + " ms\n" + host.journal("sluice"))
                    .isLessThan(deadlineMs);
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void shouldResolveCorporateNamesThroughTheTunnelWhenSystemdResolvedManagesNames()
            throws Exception {
        awaitCorpPing(20_000);
        // The tunnel carries traffic before the connect has finished (split DNS comes last).
        awaitConnected(10_000);
        assertThat(host.execChecked("resolvectl", "dns", "sluice0")).contains("10.66.0.2");
        assertThat(host.execChecked("resolvectl", "domain", "sluice0")).contains("~corp.example");
        assertThat(host.execChecked("getent", "ahostsv4", SluiceBed.CORP_NAME))
                .startsWith(SluiceBed.CORP_ANSWER + " ");
        assertThat(SluiceBed.resolverLog(directory, "corp"))
                .as("asked through the tunnel")
                .contains("query[A] " + SluiceBed.CORP_NAME + " from " + LabTopology.CLIENT_TUNNEL);
        assertThat(host.execChecked("getent", "ahostsv4", "www.example.org"))
                .startsWith(SluiceBed.INTERNET_ANSWER + " ");
        assertThat(SluiceBed.resolverLog(directory, "internet"))
                .contains("query[A] www.example.org from " + LabTopology.CLIENT_UNDERLAY);
        assertThat(Files.isSymbolicLink(host.file("/etc/resolv.conf")))
                .as("resolved's stub file is left alone")
                .isTrue();
    }

    @Test
    @Order(2)
    void shouldComeBackInTheNewVersionWhenUpgradedWhileConnected() throws Exception {
        awaitCorpPing(20_000);
        Path next = UpgradePackage.build(SluiceBed.deb(), NEXT_VERSION, directory);
        String oldPid = host.unitProperty("sluice", "MainPID");
        PingGaps pings =
                PingGaps.start(lab.client(), LabTopology.CORP_HOST, directory.resolve("ping.log"));
        long installStartMs = System.currentTimeMillis();
        host.installPackage(next);
        long installMs = System.currentTimeMillis() - installStartMs;
        long deadlineMs = System.currentTimeMillis() + 30_000;
        while (!host.journal("sluice").contains("sluice " + NEXT_VERSION + " starting")
                || !host.unitProperty("sluice", "ActiveState").equals("active")
                || !pingsCorp()) {
            assertThat(System.currentTimeMillis())
                    .as(
                            "the new daemon carries traffic within 30 s of the install\n"
                                    + host.journal("sluice"))
                    .isLessThan(deadlineMs);
            Thread.sleep(200);
        }
        // Some replies after the tunnel came back, so that the gap is measured, not cut short.
        Thread.sleep(2_000);
        PingGaps.Result gaps = pings.stop();
        System.out.printf(
                "upgrade while connected: longest gap of a 10 Hz ping through the tunnel %.1f s"
                        + " (%d replies in %.1f s; apt-get install took %.1f s; target <= 5 s)%n",
                gaps.longestGapSeconds(), gaps.replies(), gaps.runSeconds(), installMs / 1000.0);
        assertThat(host.execChecked("dpkg-query", "-W", "-f", "${Version}", "sluice"))
                .isEqualTo(NEXT_VERSION);
        assertThat(host.execChecked("sluice", "--version")).startsWith("sluice " + NEXT_VERSION);
        assertThat(host.unitProperty("sluice", "MainPID")).isNotEqualTo(oldPid);
        assertThat(host.execChecked("sluice", "status")).contains("state:      connected");
        assertThat(host.execChecked("resolvectl", "dns", "sluice0")).contains("10.66.0.2");
        assertThat(gaps.longestGapSeconds()).as("the tunnel is back").isLessThan(30);
    }

    @Test
    @Order(3)
    void shouldLeaveNothingBehindWhenPurged() throws Exception {
        Shell.Output purge =
                host.exec("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q sluice");
        assertThat(purge.exitCode()).as(purge.out() + purge.err()).isZero();
        assertThat(host.systemctl("list-unit-files", "sluice*").out()).contains("0 unit files");
        assertThat(host.systemctl("is-failed", "sluice").out().strip()).isNotEqualTo("failed");
        assertThat(host.exec("getent", "passwd", "sluice").exitCode()).as("user").isEqualTo(2);
        assertThat(host.exec("getent", "group", "sluice").exitCode()).as("group").isEqualTo(2);
        for (String gone :
                new String[] {
                    "/etc/sluice",
                    "/var/lib/sluice",
                    "/run/sluice",
                    "/usr/lib/sluice",
                    "/usr/bin/sluice",
                    "/lib/systemd/system/sluice.service"
                }) {
            assertThat(host.exec("test", "-e", gone).exitCode()).as(gone + " left").isNotZero();
        }
        assertThat(host.execChecked("resolvectl", "dns")).doesNotContain("sluice0");
        assertThat(Files.isSymbolicLink(host.file("/etc/resolv.conf"))).isTrue();
        assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
    }
}

package dev.sluice.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.dataplane.NetworkState;
import dev.sluice.it.dataplane.UnderlayCapture;
import dev.sluice.it.dataplane.WireGuardGoLab;
import dev.sluice.it.killswitch.Leaks;
import dev.sluice.it.netns.Shell;
import dev.sluice.testkit.Privileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb's early-boot kill switch ({@code sluice-killswitch.service}, enabled by the package)
 * under a real systemd, with {@code KillSwitch = always} and {@code sluice.service} not enabled:
 * the block is loaded before {@code network-pre.target} and holds with no daemon (no ping, no DNS
 * to the LAN's resolver, nothing on the router's capture); the daemon started later takes it over,
 * connects through it and keeps it after {@code systemctl stop}; {@code sluice recover --unblock}
 * leaves the namespace as before boot. One container boot for the whole class; the steps run in
 * order on it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillSwitchUnderSystemdIT {
    private static final byte[] RESOLV_CONF =
            ("nameserver " + LabTopology.INTERNET_HOST + "\n").getBytes(StandardCharsets.US_ASCII);

    @TempDir static Path directory;

    private static WireGuardGoLab fixture;
    private static LabTopology lab;
    private static String before;
    private static SystemdContainer host;
    private static UnderlayCapture router;
    private static double bootedAt;

    @BeforeAll
    static void bootTheHostWithTheBlockAndNoDaemon() throws Exception {
        SluiceBed.requireTheBed();
        Privileged.requireTool("tcpdump", "the router's view of the host's link");
        Privileged.requireTool("nft", "reads the kill switch's table");
        Path deb = SluiceBed.deb();
        fixture = SluiceBed.startLab("sks" + ProcessHandle.current().pid() % 10_000, directory);
        lab = fixture.topology();
        before = fixture.clientStateBefore();
        host = SystemdContainer.create("sluiceks", lab.client(), directory.resolve("container"));
        host.installPackage(deb);
        Files.write(host.file("/etc/resolv.conf"), RESOLV_CONF);
        host.writeFile(
                "/etc/sluice/sluice.conf",
                SluiceBed.config(fixture)
                        .replace(
                                "AutoConnect = true\n",
                                "AutoConnect = true\nKillSwitch = always\n"),
                "rw-------");
        router = UnderlayCapture.start(lab, lab.router(), "to-client", directory, "boot");
        bootedAt = Leaks.nowEpochSeconds();
        host.boot();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (router != null) {
            router.close();
        }
        SluiceBed.tearDown(host, fixture);
    }

    private static boolean pings(String address) {
        return host.exec("ping", "-c", "1", "-W", "1", address).ok();
    }

    private static long monotonicUs(String unit, String property) {
        return Long.parseLong(host.unitProperty(unit, property));
    }

    @Test
    @Order(1)
    void shouldLoadTheBlockBeforeNetworkPreTargetWhenTheConfigurationSaysAlways() {
        String journal = host.journal("sluice-killswitch");
        assertThat(host.unitProperty("sluice-killswitch", "UnitFileState"))
                .as("enabled by the package")
                .isEqualTo("enabled");
        assertThat(host.unitProperty("sluice-killswitch", "ActiveState"))
                .as(journal)
                .isEqualTo("active");
        assertThat(host.unitProperty("sluice-killswitch", "Result")).isEqualTo("success");
        assertThat(host.unitProperty("sluice-killswitch", "Before").split(" "))
                .contains("network-pre.target");
        assertThat(host.unitProperty("network-pre.target", "ActiveState")).isEqualTo("active");
        long blockedUs = monotonicUs("sluice-killswitch", "ActiveEnterTimestampMonotonic");
        long networkPreUs = monotonicUs("network-pre.target", "ActiveEnterTimestampMonotonic");
        assertThat(blockedUs).isPositive().isLessThanOrEqualTo(networkPreUs);
        assertThat(journal).contains("kill switch: blocking (KillSwitch = always)");
        assertThat(host.unitProperty("sluice", "ActiveState")).isEqualTo("inactive");
        assertThat(host.execChecked("nft", "list", "tables"))
                .contains("table inet sluice_killswitch");
    }

    @Test
    @Order(2)
    void shouldLetNothingLeaveWhileNoDaemonRuns() throws Exception {
        assertThat(pings(LabTopology.INTERNET_HOST)).isFalse();
        assertThat(pings(LabTopology.CORP_HOST)).isFalse();
        Shell.Output lookup = host.exec("getent", "ahostsv4", "www.example.org");
        assertThat(lookup.ok())
                .as("DNS to the LAN's resolver is blocked: %s", lookup.out())
                .isFalse();
        Shell.Output status = host.exec("sluice", "status");
        assertThat(status.ok()).as("no daemon").isFalse();
    }

    @Test
    @Order(3)
    void shouldConnectThroughTheBlockWhenTheDaemonStartsAndKeepItWhenStopped() throws Exception {
        double daemonAt = Leaks.nowEpochSeconds();
        Shell.Output start = host.systemctl("start", "sluice");
        assertThat(start.exitCode()).as(start.err()).isZero();
        Shell.Output connect = host.exec("sluice", "connect", "--wait", "20");
        assertThat(connect.exitCode()).as(connect.err() + host.journal("sluice")).isZero();
        List<String> seen =
                Leaks.between(router.packets(lab.router(), Leaks.FILTER), bootedAt, daemonAt);
        assertThat(seen).as("nothing left the host from boot until the daemon ran").isEmpty();

        assertThat(pings(LabTopology.CORP_HOST)).as("tunnel").isTrue();
        assertThat(pings(LabTopology.INTERNET_HOST)).as("bypass while connected").isTrue();
        assertThat(host.execChecked("getent", "ahostsv4", SluiceBed.CORP_NAME))
                .startsWith(SluiceBed.CORP_ANSWER + " ");
        assertThat(host.execChecked("sluice", "status")).contains("killswitch: armed");

        Shell.Output stop = host.systemctl("stop", "sluice");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(host.unitProperty("sluice", "Result")).isEqualTo("success");
        assertThat(host.execChecked("nft", "list", "tables"))
                .as("ExecStopPost keeps the block")
                .contains("table inet sluice_killswitch");
        assertThat(pings(LabTopology.INTERNET_HOST)).as("stopped, still blocked").isFalse();
        assertThat(Files.readAllBytes(host.file("/etc/resolv.conf"))).isEqualTo(RESOLV_CONF);
    }

    @Test
    @Order(4)
    void shouldLeaveTheNamespaceAsBeforeBootWhenUnblocked() throws Exception {
        String unblock =
                host.execChecked(
                        "sluice", "recover", "--unblock", "--state-dir", "/var/lib/sluice");
        assertThat(unblock).contains("kill switch");
        assertThat(NetworkState.capture(lab, lab.client())).isEqualTo(before);
        assertThat(pings(LabTopology.INTERNET_HOST)).as("unblocked").isTrue();
    }
}

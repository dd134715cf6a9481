package dev.sluice.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped launcher: finds a JDK 21+, runs the commands, keeps SPEC.md's exit codes. */
class LauncherIT {
    @Test
    void shouldPrintVersionAndHelp() throws Exception {
        Launcher.Result version = Launcher.run("", "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("sluice 0.");
        Launcher.Result help = Launcher.run("", "--help");
        assertThat(help.out()).contains("check-config", "classify");
        assertThat(Launcher.run("", "no-such-command").exitCode()).isEqualTo(2);
    }

    @Test
    void shouldClassifyAgainstCorp850Offline(@TempDir Path dir) throws Exception {
        Path repo = Path.of(System.getProperty("sluice.repo.root", ".."));
        Files.copy(repo.resolve("fixtures/corp-850.cidrs"), dir.resolve("corp-850.cidrs"));
        Path config = dir.resolve("sluice.conf");
        Files.writeString(
                config,
                """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.2/32, fd66::2/128
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 198.51.100.0/24
                AllowedIPs = 203.0.113.0/24, 2001:db8::/32, fc00::/7
                [Split]
                Tunnel = @corp-850.cidrs
                """
                        .formatted(
                                "UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=",
                                "CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo="));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Path managed = Files.createDirectory(dir.resolve("managed"));
        Launcher.Result check =
                Launcher.run(
                        "", "check-config", "--managed-dir", managed.toString(), config.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out()).contains("850 tunnel");
        // 10.60.32.0/20 is in corp-850; 8.8.8.8 is not; 2001:db8:452f::/48 is.
        Launcher.Result classify =
                Launcher.run(
                        "10.60.33.1\n8.8.8.8\n2001:db8:452f::9\n",
                        "classify",
                        "--config",
                        config.toString(),
                        "--managed-dir",
                        managed.toString());
        assertThat(classify.exitCode()).as(classify.err()).isZero();
        assertThat(classify.out().lines())
                .containsExactly(
                        "10.60.33.1 tunnel 10.60.32.0/20 CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=",
                        "8.8.8.8 bypass - -",
                        "2001:db8:452f::9 tunnel 2001:db8:452f::/48 CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=");
    }
}

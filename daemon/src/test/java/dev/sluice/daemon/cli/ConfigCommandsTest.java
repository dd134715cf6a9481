package dev.sluice.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandsTest {
    private static final String PRIVATE = "UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=";
    private static final String PEER_A = "CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=";
    private static final String PEER_B = "0/95NEw8Uf9c5lmJ5xc0nk/G3nOKK4uzLs6vxVzs9E8=";

    @TempDir Path dir;
    private Path config;
    private Path emptyManaged;

    private record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void writeConfig() throws Exception {
        Files.writeString(dir.resolve("corp.cidrs"), "10.0.0.0/8\nfd10::/16\n");
        config = dir.resolve("sluice.conf");
        Files.writeString(
                config,
                """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.2/32, fd66::2/128
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.0/8, fd10::/16
                Endpoint = 203.0.113.9:51820
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.20.0.0/16
                [Split]
                Tunnel = @corp.cidrs, 172.16.0.0/12
                Bypass = 10.99.0.0/16
                """
                        .formatted(PRIVATE, PEER_A, PEER_B));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        emptyManaged = Files.createDirectory(dir.resolve("managed.d"));
    }

    private Run run(String stdin, String... args) {
        CommandLine commandLine = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        CommandLine classify = commandLine.getSubcommands().get("classify");
        ((ClassifyCommand) classify.getCommand()).input =
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void checkConfigShouldAcceptAValidFile() {
        Run run =
                run(
                        "",
                        "check-config",
                        "--managed-dir",
                        emptyManaged.toString(),
                        config.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("valid (2 peers, 3 tunnel and 1 bypass prefixes)");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void checkConfigShouldExit2WhenAFileHoldingAPrivateKeyIsGroupReadable() throws Exception {
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        Run run =
                run(
                        "",
                        "check-config",
                        "--managed-dir",
                        emptyManaged.toString(),
                        config.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
                .contains(
                        config
                                + ":2: PrivateKey is written in "
                                + config
                                + ", which is readable by others (mode 0640); run: chmod 600 "
                                + config);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void checkConfigShouldListProblemsAndExit2() throws Exception {
        Files.writeString(
                config,
                Files.readString(config)
                        .replace("Bypass", "Bypas")
                        .replace("172.16.0.0/12", "172.16.0.1/12"));
        Run run =
                run(
                        "",
                        "check-config",
                        "--managed-dir",
                        emptyManaged.toString(),
                        config.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
                .contains(
                        config
                                + ":12: Tunnel: '172.16.0.1/12' has host bits set; the prefix is 172.16.0.0/12",
                        config + ":13: unknown key Bypas in [Split]; did you mean Bypass?");
    }

    @Test
    void checkConfigShouldApplyManagedOverlays() throws Exception {
        Files.writeString(emptyManaged.resolve("50-bad.conf"), "[Split]\nMode = halfway\n");
        Run run =
                run(
                        "",
                        "check-config",
                        "--managed-dir",
                        emptyManaged.toString(),
                        config.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
                .contains(
                        emptyManaged.resolve("50-bad.conf")
                                + ":2: Mode 'halfway' is not include or exclude");
    }

    @Test
    void classifyShouldPrintVerdictPrefixAndPeerPerLine() {
        Run run =
                run(
                        "10.1.2.3\n10.20.1.1\n10.99.0.5\n172.16.9.9\n8.8.8.8\nfd10::1\n203.0.113.9\n"
                                + "ff01::1\n\n",
                        "classify",
                        "--config",
                        config.toString(),
                        "--managed-dir",
                        emptyManaged.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines())
                .containsExactly(
                        "10.1.2.3 tunnel 10.0.0.0/8 " + PEER_A,
                        "10.20.1.1 tunnel 10.0.0.0/8 " + PEER_B,
                        "10.99.0.5 bypass 10.99.0.0/16 -",
                        "172.16.9.9 drop 172.16.0.0/12 -",
                        "8.8.8.8 bypass - -",
                        "fd10::1 tunnel fd10::/16 " + PEER_A,
                        "203.0.113.9 bypass 203.0.113.9/32 -",
                        "ff01::1 drop ff01::/16 -");
    }

    @Test
    void classifyShouldWriteJsonAndReportBadLines() {
        Run run =
                run(
                        "10.1.2.3\nnot-an-ip\n",
                        "classify",
                        "--json",
                        "--config",
                        config.toString(),
                        "--managed-dir",
                        emptyManaged.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out().strip())
                .isEqualTo(
                        "{\"address\":\"10.1.2.3\",\"verdict\":\"tunnel\","
                                + "\"matched\":\"10.0.0.0/8\",\"peer\":\""
                                + PEER_A
                                + "\",\"source\":\"tunnel-list\","
                                + "\"noPeer\":false}");
        assertThat(run.err()).contains("stdin:2: 'not-an-ip' is not an IP address");
    }

    @Test
    void classifyWithoutConfigShouldSayTheDaemonIsUnreachable() {
        Run run = run("10.0.0.1\n", "classify", "--socket", dir.resolve("none.sock").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.DAEMON_UNREACHABLE);
        assertThat(run.err()).contains("no Sluice daemon at " + dir.resolve("none.sock"));
    }
}

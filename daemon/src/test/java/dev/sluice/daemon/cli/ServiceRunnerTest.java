package dev.sluice.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.logging.Logs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice up} and {@code sluice daemon} with a configuration that does not load: the errors
 * are all they print; nothing says it is starting.
 */
class ServiceRunnerTest {
    @TempDir Path dir;

    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void captureStderr() {
        // The log handler writes to System.err as it is when the command configures logging.
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
        Logs.configure(false);
    }

    /** Runs the command line; logs and the command's error output go to one stream, in order. */
    private int run(String... args) {
        CommandLine commandLine = Main.newCommandLine();
        commandLine.setErr(new PrintWriter(System.err, true));
        commandLine.setOut(new PrintWriter(System.err, true));
        return commandLine.execute(args);
    }

    private String[] args(String command, Path config) throws Exception {
        return new String[] {
            command,
            "--config",
            config.toString(),
            "--managed-dir",
            Files.createDirectories(dir.resolve("managed.d")).toString(),
            "--state-dir",
            dir.resolve("state").toString(),
            "--socket",
            dir.resolve("sluice.sock").toString()
        };
    }

    private String output() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintOnlyTheErrorWhenTheConfigurationIsMissing() throws Exception {
        Path missing = dir.resolve("nonexistent.conf");

        int exit = run(args("up", missing));

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(output()).isEqualTo(missing + ": file does not exist" + System.lineSeparator());
        assertLogsWouldHaveBeenSeen();
    }

    @Test
    void shouldNotSayStartingWhenTheConfigurationIsInvalid() throws Exception {
        Path config = dir.resolve("sluice.conf");
        Files.writeString(config, "[Interface]\nAddress = 10.66.0.2/32\nMTU = 70000\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

        int exit = run(args("daemon", config));

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(output())
                .contains(config + ":3: MTU")
                .contains(config + ": no [Peer] section")
                .doesNotContain("starting")
                .doesNotContain("INFO");
        assertLogsWouldHaveBeenSeen();
    }

    /** The capture works: a line the daemon's logger writes now lands in the same stream. */
    private void assertLogsWouldHaveBeenSeen() {
        System.getLogger("dev.sluice.daemon.Daemon").log(System.Logger.Level.INFO, "probe");
        assertThat(output()).contains("INFO daemon: probe");
    }
}

package dev.sluice.daemon.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --socket}: the daemon's control socket. */
final class SocketOptions {
    /** SPEC.md: /run/sluice/sluice.sock on Linux, /var/run/sluice/sluice.sock on macOS. */
    static final Path DEFAULT =
            System.getProperty("os.name", "").toLowerCase().contains("mac")
                    ? Path.of("/var/run/sluice/sluice.sock")
                    : Path.of("/run/sluice/sluice.sock");

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path path = DEFAULT;
}

package dev.sluice.daemon.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state-dir}: where the snapshot and journal of system changes are kept. */
final class StateDirectoryOption {
    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = "/var/lib/sluice",
            description =
                    "Where the snapshot and journal of system changes are kept (default:"
                            + " ${DEFAULT-VALUE}).")
    Path path;
}

package dev.sluice.daemon.cli;

import dev.sluice.config.managed.ManagedSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --managed-dir}: where managed (MDM) overlays are read from. */
final class ManagedOptions {
    @Option(
            names = "--managed-dir",
            paramLabel = "DIR",
            description =
                    "Directory of managed overlays (*.conf) applied over the configuration"
                            + " (default: ${DEFAULT-VALUE}).",
            defaultValue = "/etc/sluice/managed.d")
    Path directory;

    /** The overlay files to apply, in order. */
    List<Path> sources() {
        try {
            boolean darwin = System.getProperty("os.name", "").toLowerCase().contains("mac");
            return ManagedSources.discover(directory, darwin ? ManagedSources.DARWIN_PLIST : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list managed overlays in " + directory, e);
        }
    }
}

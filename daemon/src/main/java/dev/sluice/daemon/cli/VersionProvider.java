package dev.sluice.daemon.cli;

import dev.sluice.daemon.BuildInfo;
import picocli.CommandLine;

/** {@code sluice --version}: the release, then the Java runtime it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "sluice " + BuildInfo.version(),
            "Java "
                    + Runtime.version()
                    + " ("
                    + System.getProperty("java.vendor", "unknown vendor")
                    + ") on "
                    + System.getProperty("os.name")
                    + " "
                    + System.getProperty("os.arch")
        };
    }
}

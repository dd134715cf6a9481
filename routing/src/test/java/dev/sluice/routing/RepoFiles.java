package dev.sluice.routing;

import java.nio.file.Path;

/** Files of the repository that tests read (fixtures shared between modules). */
public final class RepoFiles {
    private RepoFiles() {}

    public static Path root() {
        return Path.of(System.getProperty("sluice.repo.root", "..")).toAbsolutePath().normalize();
    }

    /** fixtures/corp-850.cidrs: 850 prefixes (IPv4 and IPv6), nested, with comments. */
    public static Path corp850() {
        return root().resolve("fixtures/corp-850.cidrs");
    }
}

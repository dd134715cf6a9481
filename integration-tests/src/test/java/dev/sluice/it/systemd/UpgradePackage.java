package dev.sluice.it.systemd;

import dev.sluice.it.netns.Shell;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A copy of the built .deb with a higher version, for upgrade tests: the package's {@code Version:}
 * and the version the daemon reports ({@code build.properties} in its jar) both become {@code
 * <version>}, so that the new package and the restarted daemon can be told from the old.
 */
final class UpgradePackage {
    private UpgradePackage() {}

    /** Builds {@code <directory>/sluice_<version>_amd64.deb} from {@code deb}. */
    static Path build(Path deb, String version, Path directory) throws IOException {
        Path tree = directory.resolve("upgrade-tree");
        Shell.check("dpkg-deb", "--raw-extract", deb.toString(), tree.toString());
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(
                control,
                Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path jar = daemonJar(tree.resolve("usr/lib/sluice/lib"));
        try (FileSystem zip =
                FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Path properties = zip.getPath("dev/sluice/daemon/build.properties");
            Files.writeString(
                    properties,
                    Files.readString(properties)
                            .replaceFirst("(?m)^version=.*$", "version=" + version));
        }
        Path upgraded = directory.resolve("sluice_" + version + "_amd64.deb");
        // gzip -1: the test needs a package quickly, not a small one.
        Shell.check(
                "dpkg-deb",
                "-Zgzip",
                "-z1",
                "--root-owner-group",
                "--build",
                tree.toString(),
                upgraded.toString());
        Shell.check("rm", "-rf", "--one-file-system", tree.toString());
        return upgraded;
    }

    private static Path daemonJar(Path lib) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "sluice-daemon-*.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("no sluice-daemon jar in " + lib);
    }
}

package dev.sluice.config.managed;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where managed configuration comes from on this machine, in the order applied (later wins): {@code
 * *.conf} files of the managed directory in name order, then the managed-preferences property list.
 */
public final class ManagedSources {
    /** The Linux default directory. */
    public static final Path LINUX_DIRECTORY = Path.of("/etc/sluice/managed.d");

    /** The macOS managed preferences of domain dev.sluice, as MDM installs them. */
    public static final Path DARWIN_PLIST =
            Path.of("/Library/Managed Preferences/dev.sluice.plist");

    private ManagedSources() {}

    /** The files to apply: those present among {@code directory/*.conf} and {@code plist}. */
    public static List<Path> discover(Path directory, Path plist) throws IOException {
        List<Path> files = new ArrayList<>();
        if (directory != null && Files.isDirectory(directory)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.conf")) {
                stream.forEach(files::add);
            }
            files.sort(null);
        }
        if (plist != null && Files.isRegularFile(plist)) {
            files.add(plist);
        }
        return files;
    }

    /**
     * How {@code status} names a managed source: a {@code .conf} overlay by its path; a property
     * list by the managed-preferences domain it holds, which is its file name without {@code
     * .plist} ({@code managed preferences dev.sluice}), since macOS administrators set domains, not
     * files.
     */
    public static String describe(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (name.endsWith(".plist")) {
            return "managed preferences " + name.substring(0, name.length() - ".plist".length());
        }
        return file.toString();
    }

    /** The platform defaults: the Linux directory, and the macOS plist on macOS. */
    public static List<Path> platformDefaults() throws IOException {
        boolean darwin = System.getProperty("os.name", "").toLowerCase().contains("mac");
        return discover(LINUX_DIRECTORY, darwin ? DARWIN_PLIST : null);
    }
}

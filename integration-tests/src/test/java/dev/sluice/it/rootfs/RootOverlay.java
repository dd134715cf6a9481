package dev.sluice.it.rootfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A writable copy of a {@link DebianRoot} that costs nothing to make: an overlayfs mount whose
 * lower layer is the cached root and whose upper layer lives in the test's directory. {@link
 * #close()} unmounts it and deletes the upper layer; the cached root never changes.
 */
public final class RootOverlay implements AutoCloseable {
    private final Path directory;
    private final Path merged;
    private boolean mounted;

    private RootOverlay(Path directory) {
        this.directory = directory;
        this.merged = directory.resolve("merged");
    }

    /** Mounts an overlay of {@code lower} at {@code <directory>/merged}. */
    public static RootOverlay mount(Path lower, Path directory) throws IOException {
        RootOverlay overlay = new RootOverlay(directory);
        for (String layer : List.of("upper", "work", "merged")) {
            Files.createDirectories(directory.resolve(layer));
        }
        // The root of a system: readable by every user inside, whatever the test directory's mode.
        Files.setPosixFilePermissions(
                directory.resolve("merged"), PosixFilePermissions.fromString("rwxr-xr-x"));
        run(
                "mount",
                "-t",
                "overlay",
                "overlay",
                "-o",
                "lowerdir="
                        + lower
                        + ",upperdir="
                        + directory.resolve("upper")
                        + ",workdir="
                        + directory.resolve("work"),
                overlay.merged.toString());
        overlay.mounted = true;
        return overlay;
    }

    /** The root, as seen from the host. */
    public Path root() {
        return merged;
    }

    /** {@code pathInside} (absolute, as inside the root) as a host path. */
    public Path resolve(String pathInside) {
        return merged.resolve(pathInside.replaceFirst("^/+", ""));
    }

    /**
     * Runs {@code script} with {@code sh -c} chrooted into the root, {@code /proc} mounted for the
     * duration; returns the exit code and output.
     */
    public Chrooted chroot(String script) throws IOException {
        List<String> command =
                List.of(
                        "chroot",
                        merged.toString(),
                        "sh",
                        "-c",
                        "mount -t proc proc /proc && trap 'umount /proc' EXIT &&"
                                + " export DEBIAN_FRONTEND=noninteractive"
                                + " PATH=/usr/sbin:/usr/bin:/sbin:/bin && "
                                + script);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("chroot " + merged + " " + script + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Chrooted(process.exitValue(), output);
    }

    /** A command run in the root, and what it printed. */
    public record Chrooted(int exitCode, String output) {
        /** The output, or an exception with it when the command failed. */
        public String orThrow(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " exited " + exitCode + ":\n" + output);
            }
            return output;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (mounted) {
            // A process that outlived its container may still hold the mount: detach it lazily
            // rather than leave it mounted.
            if (!tryRun("umount", merged.toString())) {
                tryRun("umount", "--lazy", merged.toString());
            }
            mounted = false;
        }
        if (Files.exists(directory)) {
            tryRun("rm", "-rf", "--one-file-system", directory.toString());
        }
    }

    private static void run(String... command) throws IOException {
        if (!tryRun(command)) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    private static boolean tryRun(String... command) throws IOException {
        Process process =
                new ProcessBuilder(new ArrayList<>(List.of(command)))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (process.exitValue() != 0 && !output.isBlank()) {
            System.err.println(String.join(" ", command) + ": " + output.strip());
        }
        return process.exitValue() == 0;
    }
}

package dev.sluice.it.rootfs;

import dev.sluice.testkit.Privileged;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Debian 12 root built by {@code debootstrap --variant=minbase} with the packages the system
 * tests need, cached in {@code /var/lib/sluice-test-roots/bookworm-<hash of the recipe>}: built
 * once per machine (a changed recipe makes a new directory), read-only to its users, who write into
 * a {@link RootOverlay} over it.
 *
 * <p>The root is neutral: systemd-resolved is installed but disabled and {@code /etc/resolv.conf}
 * is a plain file, so a test chooses per boot whether resolved manages names; {@code apt}'s package
 * cache is emptied. Concurrent builders (two JVMs) serialise on a lock file.
 */
public final class DebianRoot {
    /** Where cached roots live. */
    public static final Path CACHE = Path.of("/var/lib/sluice-test-roots");

    private static final String MIRROR = "http://deb.debian.org/debian";
    private static final String SUITE = "bookworm";

    /**
     * What the replay image, the systemd test bed and the .deb's dependencies need: systemd as init
     * (with dbus and resolved for split DNS), the networking tools, the replay's python3, tcpdump
     * and WireGuard tools, ping and adduser.
     */
    private static final List<String> PACKAGES =
            List.of(
                    "systemd",
                    "systemd-resolved",
                    "dbus",
                    "iproute2",
                    "nftables",
                    "iputils-ping",
                    "procps",
                    "adduser",
                    "python3",
                    "tcpdump",
                    "wireguard-go",
                    "wireguard-tools");

    /** Run in the new root after debootstrap (part of the recipe, so part of the hash). */
    private static final String NEUTRALISE =
            "systemctl disable systemd-resolved.service >/dev/null 2>&1;"
                    + " rm -f /etc/resolv.conf"
                    + " && printf '# no resolver: tests write their own\\n' > /etc/resolv.conf"
                    + " && apt-get clean";

    private DebianRoot() {}

    /** The cached root, built first when this machine has none for the current recipe. */
    public static synchronized Path ensure() throws Exception {
        Path root = CACHE.resolve(SUITE + "-" + recipeHash());
        if (Files.isDirectory(root)) {
            return root;
        }
        Privileged.requireRoot();
        Privileged.requireTool("debootstrap", "builds the Debian root of the system tests");
        Files.createDirectories(CACHE);
        try (FileChannel lockFile =
                        FileChannel.open(
                                CACHE.resolve(".lock"),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            if (Files.isDirectory(root)) {
                return root; // another JVM built it while this one waited
            }
            Path partial = CACHE.resolve(root.getFileName() + ".partial");
            deleteTree(partial);
            long startNs = System.nanoTime();
            run(
                    List.of(
                            "debootstrap",
                            "--variant=minbase",
                            "--include=" + String.join(",", PACKAGES),
                            SUITE,
                            partial.toString(),
                            MIRROR),
                    "debootstrap");
            run(List.of("chroot", partial.toString(), "sh", "-c", NEUTRALISE), "neutralising");
            Files.move(partial, root);
            System.out.printf(
                    "debian root: built %s in %d s%n",
                    root, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs));
            removeOtherRecipes(root);
            return root;
        }
    }

    /** A short hash of everything that decides the root's content (part of its directory name). */
    public static String recipeHash() throws Exception {
        String recipe = String.join("\n", SUITE, MIRROR, String.join(",", PACKAGES), NEUTRALISE);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        return HexFormat.of()
                .formatHex(digest.digest(recipe.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }

    /** Roots of older recipes are never used again: free their space. */
    private static void removeOtherRecipes(Path keep) throws Exception {
        try (Stream<Path> entries = Files.list(CACHE)) {
            for (Path entry : entries.toList()) {
                if (Files.isDirectory(entry)
                        && entry.getFileName().toString().startsWith(SUITE + "-")
                        && !entry.equals(keep)) {
                    deleteTree(entry);
                }
            }
        }
    }

    private static void run(List<String> command, String what) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " timed out");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    what + " exited " + process.exitValue() + ":\n" + tail(output));
        }
    }

    private static String tail(String output) {
        List<String> lines = new ArrayList<>(output.lines().toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Deletes a directory tree, staying on its file system (a forgotten mount stays intact). */
    static void deleteTree(Path root) throws Exception {
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            run(List.of("rm", "-rf", "--one-file-system", root.toString()), "removing " + root);
        }
    }
}

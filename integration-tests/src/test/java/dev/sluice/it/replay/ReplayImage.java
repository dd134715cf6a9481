package dev.sluice.it.replay;

import dev.sluice.it.rootfs.DebianRoot;
import dev.sluice.it.rootfs.RootOverlay;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The replay image, built without any registry: the cached Debian 12 root of the system tests
 * ({@link DebianRoot}: minbase with iproute2, nftables, python3, wireguard-go, wireguard-tools,
 * tcpdump …) with the project's .deb installed in an overlay, imported with {@code docker import}.
 * Tagged with the .deb's hash and the root's recipe, so a rebuilt package or a changed root makes a
 * new image and an unchanged one is reused.
 */
final class ReplayImage {
    private ReplayImage() {}

    /** The image name, built when the daemon does not have it yet. */
    static String ensure(Path dockerSocket, Path deb, Path workDirectory) throws Exception {
        String tag =
                "sluice-replay:"
                        + sha256(deb).substring(0, 12)
                        + "-"
                        + DebianRoot.recipeHash().substring(0, 8);
        if (run(null, "docker", "--host", "unix://" + dockerSocket, "image", "inspect", tag) == 0) {
            return tag;
        }
        try (RootOverlay root =
                RootOverlay.mount(DebianRoot.ensure(), workDirectory.resolve("image-root"))) {
            Files.copy(deb, root.resolve("/tmp/sluice.deb"));
            root.chroot("dpkg -i /tmp/sluice.deb && rm /tmp/sluice.deb")
                    .orThrow("dpkg -i in the image root");
            Process tar =
                    new ProcessBuilder("tar", "-C", root.root().toString(), "-c", ".").start();
            Process load =
                    new ProcessBuilder(
                                    "docker",
                                    "--host",
                                    "unix://" + dockerSocket,
                                    "import",
                                    "-",
                                    tag)
                            .redirectErrorStream(true)
                            .start();
            try (InputStream in = tar.getInputStream();
                    var out = load.getOutputStream()) {
                in.transferTo(out);
            }
            check(tar.waitFor(), "tar of the image root");
            String output = new String(load.getInputStream().readAllBytes());
            if (load.waitFor() != 0) {
                throw new IllegalStateException("docker import: " + output);
            }
        }
        return tag;
    }

    private static int run(Path directory, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + ": timed out");
        }
        if (process.exitValue() != 0 && !command[0].equals("docker")) {
            System.err.println(String.join(" ", command) + ":\n" + output);
        }
        return process.exitValue();
    }

    private static void check(int exitCode, String what) {
        if (exitCode != 0) {
            throw new IllegalStateException(what + " failed with exit code " + exitCode);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.journal.Ownership;
import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Per-domain resolver files ({@code /etc/resolver/<domain>}, resolver(5)): the system sends names
 * under {@code <domain>} to the file's name servers. Each file Sluice writes starts with a marker
 * line, so the snapshot comparison of {@code sluice recover} can tell it from others'.
 *
 * <p>An absent file reads as empty, and writing empty content removes the file: the journal's
 * inverse of creating a file is then removing it. Files are replaced by a synced temporary file and
 * a rename (no reader ever sees half a file), and only while they still hold what Sluice expects;
 * one another program changed since is left alone.
 */
public final class ResolverFiles {
    /** Where macOS reads per-domain resolver files. */
    public static final Path DIRECTORY = Path.of("/etc/resolver");

    private ResolverFiles() {}

    /** The file for {@code domain} in {@code directory}; the name is the domain, lower case. */
    public static Path file(Path directory, String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("not a domain for a resolver file: " + domain);
        }
        return directory.resolve(name);
    }

    /** The file Sluice writes for {@code domain}: the marker, then one line per server. */
    public static byte[] render(String domain, List<InetAddress> servers) {
        StringBuilder text = new StringBuilder();
        text.append("# ")
                .append(Ownership.DNS_MARK)
                .append(": names under ")
                .append(domain)
                .append(
                        " go to its DNS forwarder; removed at disconnect and by 'sluice recover'\n");
        for (InetAddress server : servers) {
            text.append("nameserver ").append(server.getHostAddress()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The bytes of {@code path}; an absent file reads as empty. */
    public static byte[] read(Path path) throws IOException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /**
     * Makes {@code path} hold {@code content} (empty: no file) when it holds {@code expected}.
     *
     * @throws RouteException with {@link RouteException#alreadyInPlace()} when it already holds
     *     {@code content}; without, naming the file, when it holds anything else or cannot be
     *     written
     */
    public static void replace(Path path, byte[] content, byte[] expected) throws RouteException {
        byte[] current;
        try {
            current = read(path);
        } catch (IOException e) {
            throw new RouteException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (Arrays.equals(current, content)) {
            throw new RouteException(path + " already holds what Sluice would write", null, true);
        }
        if (!Arrays.equals(current, expected)) {
            throw new RouteException(
                    path
                            + " was changed by another program since Sluice last wrote it;"
                            + " left as it is");
        }
        try {
            if (content.length == 0) {
                Files.deleteIfExists(path);
            } else {
                write(path, content);
            }
        } catch (IOException e) {
            throw new RouteException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path path, byte[] content) throws IOException {
        Path directory = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(
                    directory,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Path temporary = directory.resolve("." + path.getFileName() + ".sluice-tmp");
        try (FileChannel channel =
                FileChannel.open(
                        temporary,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            Files.move(
                    temporary,
                    path,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package dev.sluice.daemon.platform.linux;

import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Rewrites a resolver configuration file ({@code /etc/resolv.conf}) in place: truncate, write,
 * fsync. Never by rename, because the file is often a bind mount (containers, {@code ip netns
 * exec}) that a rename cannot replace; a reader racing the write may see a short file for a moment,
 * which resolvers already tolerate (they re-read on failure).
 */
public final class ResolverFiles {
    private ResolverFiles() {}

    /** The bytes of {@code path}; an absent file reads as empty. */
    public static byte[] read(Path path) throws IOException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /**
     * Writes {@code content} over {@code path} when the file holds {@code expected}.
     *
     * @throws RouteException with {@link RouteException#alreadyInPlace()} when the file already
     *     holds {@code content}; without it, naming the file, when it holds anything else (another
     *     program rewrote it: it is left alone) or cannot be written
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
        try (FileChannel channel =
                FileChannel.open(
                        path,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new RouteException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}

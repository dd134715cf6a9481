package dev.sluice.daemon.platform.linux;

import dev.sluice.routing.manager.Operation;
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
 * Rewrites a resolver configuration file ({@code /etc/resolv.conf}) in place, never by rename: the
 * file is often a bind mount (containers, {@code ip netns exec}) that a rename cannot replace.
 *
 * <p>Crash safety. The inverse of the write is journaled (and forced to disk) before it starts, so
 * recovery knows both the original and Sluice's bytes. The write itself never truncates first
 * (which would leave an empty or cut-off file when the process dies right after): it writes the new
 * bytes over the old ones from offset 0, forces them to disk, then truncates to the new length and
 * forces again. Whenever the process dies, the file holds the old bytes, the new ones, or a mixture
 * (a prefix of the new followed by the rest of the old) that {@link
 * Operation.ReplaceFile#isInterruptedWrite} recognises; {@link #replace} writes over such a mixture
 * as over the expected bytes, so recovery's undo restores the original exactly, and a crash during
 * that repair leaves another mixture the next recovery repairs in turn. A reader racing a write may
 * see such a mixture for a moment, as it may see a short file with any in-place writer; resolvers
 * re-read the file when a lookup fails.
 */
public final class ResolverFiles {
    /** A write that runs to the end (no simulated crash). */
    private static final long NO_HALT = Long.MAX_VALUE;

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
     * Writes {@code content} over {@code path} when the file holds {@code expected}, or what an
     * interrupted write between the two left.
     *
     * @throws RouteException with {@link RouteException#alreadyInPlace()} when the file already
     *     holds {@code content}; without it, naming the file, when it holds anything else (another
     *     program rewrote it: it is left alone) or cannot be written
     */
    public static void replace(Path path, byte[] content, byte[] expected) throws RouteException {
        replace(path, content, expected, NO_HALT);
    }

    /**
     * {@link #replace}; with {@code haltAfterBytes} other than {@link #NO_HALT} it stops as if the
     * process died once that many bytes of {@code content} are written over the old ones, before
     * the truncation and the syncs: the crash window, for tests.
     */
    static void replace(Path path, byte[] content, byte[] expected, long haltAfterBytes)
            throws RouteException {
        byte[] current;
        try {
            current = read(path);
        } catch (IOException e) {
            throw new RouteException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (Arrays.equals(current, content)) {
            throw new RouteException(path + " already holds what Sluice would write", null, true);
        }
        if (!Arrays.equals(current, expected)
                && !new Operation.ReplaceFile(path.toString(), content, expected)
                        .isInterruptedWrite(current)) {
            throw new RouteException(
                    path
                            + " was changed by another program since Sluice last wrote it;"
                            + " left as it is");
        }
        try (FileChannel channel =
                FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            ByteBuffer buffer =
                    ByteBuffer.wrap(content, 0, (int) Math.min(content.length, haltAfterBytes));
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            if (haltAfterBytes != NO_HALT) {
                return;
            }
            channel.force(true);
            channel.truncate(content.length);
            channel.force(true);
        } catch (IOException e) {
            throw new RouteException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}

package dev.sluice.routing.journal;

import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The undo log of one connection: before the route manager applies an operation, its inverse is
 * appended and forced to disk ({@link #beforeApply}); if the append fails (full or read-only disk),
 * the operation is refused and the manager rolls back what this change already did.
 *
 * <p>Life: {@link #create} (fails cleanly, nothing applied yet, when the directory cannot hold a
 * synced file), appends while connected, {@link #discard} after a clean disconnect. A journal left
 * behind means the process died: {@link JournalReader} reads it for {@code sluice recover}.
 */
public final class Journal implements RouteManager.OperationListener, AutoCloseable {
    public static final String FILE_NAME = "journal";
    static final String HEADER = "sluice-journal 1";

    private final Path file;
    private final FileChannel channel;
    private long records;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Starts an empty journal in {@code directory}.
     *
     * @throws RouteException naming the file and the reason when it cannot be written and synced,
     *     or when a journal is already there (a crashed run: recover first)
     */
    public static Journal create(Path directory) throws RouteException {
        Path file = directory.resolve(FILE_NAME);
        if (Files.exists(file)) {
            throw new RouteException(
                    file
                            + " already exists: a previous run did not finish; run 'sluice recover"
                            + " --state-dir "
                            + directory
                            + "' first");
        }
        FileChannel channel = null;
        try {
            StateFiles.createPrivateDirectory(directory);
            channel =
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            writeFully(channel, (HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            channel.force(true);
            StateFiles.syncDirectory(directory);
            return new Journal(file, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // The directory refuses writes; nothing of ours is in it.
            }
            throw new RouteException(
                    "cannot write the journal "
                            + file
                            + ": "
                            + StateFiles.reason(e)
                            + "; nothing was changed",
                    e);
        }
    }

    /** Appends the inverse of {@code operation} and forces it to disk. */
    @Override
    public void beforeApply(Operation operation) throws RouteException {
        append(operation.inverse(), operation);
    }

    private void append(Operation inverse, Operation operation) throws RouteException {
        byte[] line = record(OperationCodec.encode(inverse));
        try {
            writeFully(channel, line);
            channel.force(false);
            records++;
        } catch (IOException e) {
            throw new RouteException(
                    "cannot journal '"
                            + operation
                            + "' in "
                            + file
                            + ": "
                            + StateFiles.reason(e)
                            + "; not applied",
                    e);
        }
    }

    /** Encodes one record: checksum, a space, the payload, a newline. */
    static byte[] record(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        String line = String.format("%08x", crc.getValue()) + " " + payload + "\n";
        return line.getBytes(StandardCharsets.UTF_8);
    }

    /** Records appended so far. */
    public long records() {
        return records;
    }

    public Path file() {
        return file;
    }

    /** Everything recorded has been undone: the journal is removed. */
    public void discard() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
        StateFiles.syncDirectory(file.getParent());
    }

    /** Closes the file and keeps it (for {@code sluice recover}). */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing after a failure: the failure is what gets reported.
            }
        }
    }
}

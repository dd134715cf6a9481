package dev.sluice.routing.journal;

import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state directory of one connection ({@code /var/lib/sluice} by default): the snapshot taken
 * before the first change, and the journal of changes. {@link #begin} writes both before anything
 * is changed; {@link #end} removes both after everything was undone.
 */
public final class StateDirectory {
    static final String OWNERSHIP_SECTION = "ownership";

    private StateDirectory() {}

    /**
     * Records the state Sluice may touch and opens an empty journal.
     *
     * @throws RouteException naming the directory and the reason when either cannot be written
     *     durably (full or read-only disk); nothing has been changed then
     */
    public static Journal begin(Path directory, Ownership ownership, SystemStateReader reader)
            throws RouteException {
        if (Files.exists(directory.resolve(Journal.FILE_NAME))) {
            throw new RouteException(
                    "a journal from an earlier run is still in "
                            + directory
                            + ": run 'sluice recover --state-dir "
                            + directory
                            + "' first");
        }
        SystemSnapshot live;
        try {
            live = reader.capture(ownership.sysctlKeys());
        } catch (IOException e) {
            throw new RouteException(
                    "cannot read the system state to snapshot: " + e.getMessage(), e);
        }
        Map<String, java.util.List<String>> sections = new LinkedHashMap<>();
        sections.put(OWNERSHIP_SECTION, ownership.toItems());
        sections.putAll(live.sections());
        try {
            new SystemSnapshot(sections).write(directory);
        } catch (IOException e) {
            throw new RouteException(
                    "cannot write the snapshot in "
                            + directory
                            + ": "
                            + StateFiles.reason(e)
                            + "; nothing was changed",
                    e);
        }
        try {
            return Journal.create(directory);
        } catch (RouteException e) {
            deleteQuietly(directory.resolve(SystemSnapshot.FILE_NAME));
            throw e;
        }
    }

    /** Everything journaled was undone: removes journal and snapshot. */
    public static void end(Path directory, Journal journal) throws IOException {
        journal.discard();
        Files.deleteIfExists(directory.resolve(SystemSnapshot.FILE_NAME));
        StateFiles.syncDirectory(directory);
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort on a path that already failed; the caller reports the first failure.
        }
    }
}

package dev.sluice.routing.journal;

import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice recover}: undoes a journal left behind, newest record first, then compares the live
 * state with the snapshot and sorts each difference into ours (a bug) or someone else's.
 *
 * <p>Undo is forgiving: an operation the system refuses because it is already in place (a route
 * that vanished with its tun, a rule already deleted) counts as done, and a failure does not stop
 * the rest. When nothing of ours remains, journal and snapshot are removed; otherwise both stay for
 * another attempt.
 */
public final class Recovery {
    private Recovery() {}

    /**
     * What recovery did and found.
     *
     * @param foundJournal whether a journal was there (false: nothing had to be undone)
     * @param undone operations applied
     * @param problems journal records skipped and undo steps that failed, one sentence each
     * @param differences the live state against the snapshot (empty without a snapshot)
     */
    public record Report(
            boolean foundJournal, int undone, List<String> problems, List<Difference> differences) {
        public Report {
            problems = List.copyOf(problems);
            differences = List.copyOf(differences);
        }

        /** True when nothing of Sluice's is left: the system is back to the snapshot. */
        public boolean clean() {
            return differences.stream().noneMatch(Difference::ours);
        }
    }

    public static Report recover(Path directory, RouteBackend backend, SystemStateReader reader)
            throws IOException {
        Path journalFile = directory.resolve(Journal.FILE_NAME);
        SystemSnapshot snapshot = SystemSnapshot.read(directory);
        boolean foundJournal = Files.exists(journalFile);
        List<String> problems = new ArrayList<>();
        int undone = 0;
        if (foundJournal) {
            JournalReader.Contents contents = JournalReader.read(journalFile);
            problems.addAll(contents.problems());
            List<Operation> inverses = contents.inverses();
            for (int i = inverses.size() - 1; i >= 0; i--) {
                Operation inverse = inverses.get(i);
                try {
                    backend.apply(inverse);
                    undone++;
                } catch (RouteException e) {
                    if (!e.alreadyInPlace()) {
                        problems.add("could not undo with '" + inverse + "': " + e.getMessage());
                    }
                }
            }
        }
        List<Difference> differences = List.of();
        if (snapshot != null) {
            Ownership ownership =
                    Ownership.fromItems(snapshot.section(StateDirectory.OWNERSHIP_SECTION));
            differences = compare(snapshot, reader.capture(ownership.sysctlKeys()), ownership);
        }
        Report report = new Report(foundJournal, undone, problems, differences);
        if (report.clean()) {
            Files.deleteIfExists(journalFile);
            Files.deleteIfExists(directory.resolve(SystemSnapshot.FILE_NAME));
            if (Files.isDirectory(directory)) {
                StateFiles.syncDirectory(directory);
            }
        }
        return report;
    }

    /** Item-by-item differences of every section but the ownership record (multisets). */
    static List<Difference> compare(SystemSnapshot before, SystemSnapshot now, Ownership owner) {
        List<Difference> differences = new ArrayList<>();
        java.util.Set<String> names = new java.util.LinkedHashSet<>(before.sections().keySet());
        names.addAll(now.sections().keySet());
        names.remove(StateDirectory.OWNERSHIP_SECTION);
        for (String section : names) {
            Map<String, Integer> counts = new HashMap<>();
            for (String item : before.section(section)) {
                counts.merge(item, 1, Integer::sum);
            }
            for (String item : now.section(section)) {
                counts.merge(item, -1, Integer::sum);
            }
            List<String> ordered = new ArrayList<>(before.section(section));
            ordered.addAll(now.section(section));
            for (String item : new java.util.LinkedHashSet<>(ordered)) {
                int count = counts.get(item);
                for (int i = 0; i < Math.abs(count); i++) {
                    differences.add(
                            new Difference(section, item, count > 0, owner.owns(section, item)));
                }
            }
        }
        return differences;
    }
}

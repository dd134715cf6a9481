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
 *
 * <p>A resolver file counts as ours when it carries {@link Ownership#DNS_MARK}, and also when it is
 * what an interrupted in-place write of one of the journaled files left ({@link
 * Operation.ReplaceFile#isInterruptedWrite}; such a piece may lack the mark): should its undo fail,
 * the journal stays rather than the state being declared clean with a torn file in place.
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
        List<Operation> inverses = List.of();
        if (foundJournal) {
            JournalReader.Contents contents = JournalReader.read(journalFile);
            problems.addAll(contents.problems());
            inverses = contents.inverses();
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
            differences =
                    compare(
                            snapshot,
                            reader.capture(ownership.sysctlKeys()),
                            ownership,
                            journaledFiles(inverses));
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

    private static List<Operation.ReplaceFile> journaledFiles(List<Operation> inverses) {
        List<Operation.ReplaceFile> files = new ArrayList<>();
        for (Operation inverse : inverses) {
            if (inverse instanceof Operation.ReplaceFile file) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * Item-by-item differences of every section but the ownership record (multisets).
     *
     * @param files the journaled file writes: a resolver item present now that they could have left
     *     is ours
     */
    static List<Difference> compare(
            SystemSnapshot before,
            SystemSnapshot now,
            Ownership owner,
            List<Operation.ReplaceFile> files) {
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
                    boolean ours =
                            owner.owns(section, item)
                                    || (count < 0 && leftByWrite(section, item, files));
                    differences.add(new Difference(section, item, count > 0, ours));
                }
            }
        }
        return differences;
    }

    /** Whether resolver item {@code item} ("path bytes") is what one of {@code files} can leave. */
    private static boolean leftByWrite(
            String section, String item, List<Operation.ReplaceFile> files) {
        if (!section.equals(Ownership.DNS_SECTION)) {
            return false;
        }
        for (Operation.ReplaceFile file : files) {
            String prefix = file.path() + " ";
            if (item.startsWith(prefix)) {
                byte[] bytes =
                        item.substring(prefix.length())
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (file.isInterruptedWrite(bytes)) {
                    return true;
                }
            }
        }
        return false;
    }
}

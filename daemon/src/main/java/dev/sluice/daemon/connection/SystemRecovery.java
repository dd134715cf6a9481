package dev.sluice.daemon.connection;

import dev.sluice.daemon.killswitch.KillSwitch;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.routing.journal.Difference;
import dev.sluice.routing.journal.Journal;
import dev.sluice.routing.journal.Recovery;
import dev.sluice.routing.journal.SystemSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sluice recover}: {@link Recovery} with the platform's backend and state reader, and its
 * report in words. Run by the command, and by {@code up}/{@code daemon} before they connect.
 */
public final class SystemRecovery {
    private SystemRecovery() {}

    /** True when {@code stateDirectory} holds a journal or snapshot: a run did not finish. */
    public static boolean needed(Path stateDirectory) {
        return Files.exists(stateDirectory.resolve(Journal.FILE_NAME))
                || Files.exists(stateDirectory.resolve(SystemSnapshot.FILE_NAME));
    }

    public static Recovery.Report run(Platform platform, Path stateDirectory) throws IOException {
        try (PlatformRouteBackend backend = platform.openRouteBackend()) {
            return Recovery.recover(stateDirectory, backend, platform.systemState());
        }
    }

    /**
     * The kill switch after a run that stopped or died: its recorded blocking table put back (a
     * live connection's allowances go), or with {@code unblock} the block lifted.
     *
     * @return what was found and done, one line each (none when there is no block)
     */
    public static List<String> killSwitch(Platform platform, Path stateDirectory, boolean unblock)
            throws IOException {
        return KillSwitch.recover(stateDirectory, platform.firewall(), unblock);
    }

    /** The report, one line each: what was undone, problems, differences, the verdict. */
    public static List<String> describe(Path stateDirectory, Recovery.Report report) {
        List<String> lines = new ArrayList<>();
        if (!report.foundJournal()) {
            lines.add("no journal in " + stateDirectory + ": nothing to undo");
        } else {
            lines.add(
                    "undid "
                            + report.undone()
                            + " change(s) journaled in "
                            + stateDirectory.resolve(Journal.FILE_NAME));
        }
        lines.addAll(report.problems());
        for (Difference difference : report.differences()) {
            lines.add(difference.toString());
        }
        if (report.clean()) {
            lines.add(
                    report.differences().isEmpty()
                            ? "system state is as it was before Sluice connected"
                            : "nothing of Sluice's is left; the differences above were made by"
                                    + " other programs and are left alone");
        } else {
            lines.add(
                    "entries of Sluice's are still in place (listed above as 'ours'); journal and"
                            + " snapshot are kept in "
                            + stateDirectory
                            + " for another attempt");
        }
        return lines;
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.daemon.connection.SystemRecovery;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.routing.journal.Recovery;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice recover}: undo what a run that did not finish left behind, then compare. */
@Command(
        name = "recover",
        mixinStandardHelpOptions = true,
        description = {
            "Undo the changes a Sluice that did not exit cleanly left behind.",
            "",
            "Every change journaled by a Sluice that was killed, crashed or lost power is"
                    + " undone; then the routes, rules, firewall and sysctls are compared with the"
                    + " snapshot taken before it connected. Each difference is reported as ours (a"
                    + " Sluice entry left behind) or someone else's (changed by another program; left"
                    + " alone). A kill-switch block stays in place, blocking, unless --unblock is"
                    + " given. Exit 0 when nothing of Sluice's is left but a kept block, 1 otherwise."
        })
final class RecoverCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StateDirectoryOption stateDirectory = new StateDirectoryOption();

    @Option(
            names = "--unblock",
            description = "Also lift the kill switch's block, which recovery otherwise keeps.")
    boolean unblock;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Platform platform = Platforms.current();
        Recovery.Report report = SystemRecovery.run(platform, stateDirectory.path);
        for (String line : SystemRecovery.describe(stateDirectory.path, report)) {
            out.println(line);
        }
        for (String line : SystemRecovery.killSwitch(platform, stateDirectory.path, unblock)) {
            out.println(line);
        }
        out.flush();
        return report.clean() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}

package dev.sluice.daemon.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice completion}: the bash completion script, generated from the command tree. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print the bash completion script for sluice.",
            "",
            "The .deb installs it; to use it in the current shell:",
            "  source <(sluice completion)"
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("sluice", root));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Problem;
import dev.sluice.daemon.platform.Platforms;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice check-config F}: validates without touching the system. */
@Command(
        name = "check-config",
        mixinStandardHelpOptions = true,
        description = {
            "Check a configuration file and report every problem in it.",
            "",
            "The managed overlays are applied and checked too. Each problem is printed on"
                    + " stderr as 'file:line: message'. Exit 0 when the configuration is valid"
                    + " (warnings allowed), 2 when it is not."
        })
final class CheckConfigCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The configuration file.")
    Path file;

    @Mixin ManagedOptions managed = new ManagedOptions();

    @Override
    public Integer call() {
        ConfigLoader.Result result = ConfigLoader.load(file, managed.sources());
        for (Problem problem : result.problems()) {
            spec.commandLine().getErr().println(problem);
        }
        spec.commandLine().getErr().flush();
        if (!result.ok()) {
            return ExitCodes.USAGE;
        }
        List<String> unsupported = Platforms.current().configProblems(result.config());
        for (String problem : unsupported) {
            spec.commandLine().getErr().println(file + ": " + problem);
        }
        spec.commandLine().getErr().flush();
        if (!unsupported.isEmpty()) {
            return ExitCodes.USAGE;
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "%s: valid (%d peer%s, %d tunnel and %d bypass prefixes)%n",
                        file,
                        result.config().peers().size(),
                        result.config().peers().size() == 1 ? "" : "s",
                        result.config().split().tunnel().size(),
                        result.config().split().bypass().size());
        return ExitCodes.OK;
    }
}

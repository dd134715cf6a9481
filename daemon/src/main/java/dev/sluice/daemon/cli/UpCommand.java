package dev.sluice.daemon.cli;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Problem;
import dev.sluice.daemon.BuildInfo;
import dev.sluice.daemon.connection.Connection;
import dev.sluice.daemon.connection.SystemRecovery;
import dev.sluice.daemon.lifecycle.StopSignals;
import dev.sluice.daemon.logging.Logs;
import dev.sluice.routing.journal.Recovery;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice up --config F}: connect now, in the foreground, until SIGINT or SIGTERM. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Bring the tunnel up now and stay in the foreground; SIGINT or SIGTERM undoes every",
            "change (routes, rules, firewall table, sysctls) and exits. A journal left by a run",
            "that did not finish is recovered first."
        })
final class UpCommand implements Callable<Integer> {
    private static final Logger LOG = System.getLogger("dev.sluice.daemon.Daemon");

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The configuration file.")
    Path config;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = "/var/lib/sluice",
            description =
                    "Where the journal of system changes is kept (default: ${DEFAULT-VALUE}).")
    Path stateDirectory;

    @Mixin ManagedOptions managed = new ManagedOptions();

    @Mixin SocketOptions socket = new SocketOptions();

    @ParentCommand SluiceCommand root;

    @Override
    public Integer call() throws Exception {
        Logs.configure(root.verbose);
        LOG.log(
                Level.INFO,
                "sluice "
                        + BuildInfo.version()
                        + " starting: config "
                        + config.toAbsolutePath()
                        + ", pid "
                        + java.lang.management.ManagementFactory.getRuntimeMXBean().getPid());
        ConfigLoader.Result loaded = ConfigLoader.load(config, managed.sources());
        for (Problem problem : loaded.problems()) {
            spec.commandLine().getErr().println(problem);
        }
        spec.commandLine().getErr().flush();
        if (!loaded.ok()) {
            return ExitCodes.USAGE;
        }
        if (SystemRecovery.needed(stateDirectory)) {
            LOG.log(Level.WARNING, "a previous run did not finish; recovering first");
            Recovery.Report report = SystemRecovery.run(stateDirectory);
            for (String line : SystemRecovery.describe(stateDirectory, report)) {
                LOG.log(report.clean() ? Level.INFO : Level.ERROR, "recover: " + line);
            }
            if (!report.clean()) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "sluice up: entries of an earlier run are still in place; see"
                                        + " 'sluice recover --state-dir "
                                        + stateDirectory
                                        + "'");
                return ExitCodes.FAILURE;
            }
        }
        StopSignals signals = StopSignals.install();
        try (Connection connection = Connection.open(loaded.config(), stateDirectory)) {
            signals.await();
        }
        return ExitCodes.OK;
    }
}

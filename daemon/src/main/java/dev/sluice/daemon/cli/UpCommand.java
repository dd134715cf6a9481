package dev.sluice.daemon.cli;

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
            "Connect now and stay in the foreground until interrupted.",
            "",
            "What 'sluice daemon' does, connecting at once: for tests, labs and trying"
                    + " Sluice out. It first undoes what a run that did not finish left behind;"
                    + " SIGINT or SIGTERM undoes every change (routes, rules, firewall table,"
                    + " sysctls) and exits."
        })
final class UpCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The configuration file.")
    Path config;

    @Mixin StateDirectoryOption stateDirectory = new StateDirectoryOption();

    @Mixin ManagedOptions managed = new ManagedOptions();

    @Mixin SocketOptions socket = new SocketOptions();

    @ParentCommand SluiceCommand root;

    @Override
    public Integer call() throws Exception {
        return ServiceRunner.run(
                spec,
                root.verbose,
                config,
                managed.sources(),
                stateDirectory.path,
                socket.path,
                true);
    }
}

package dev.sluice.daemon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice daemon}: the service, in the foreground (systemd and launchd supervise it). */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = {
            "Run the service in the foreground, under systemd or launchd.",
            "",
            "The service answers on the control socket that 'sluice connect', 'status' and"
                    + " the other commands use, on the WireGuard API that 'wg show' and 'wg set' use,"
                    + " and with metrics. It first undoes what a run that did not finish left behind,"
                    + " connects at start when the configuration says AutoConnect = true, and on"
                    + " SIGTERM or SIGINT undoes every change and exits."
        })
final class DaemonCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            defaultValue = "/etc/sluice/sluice.conf",
            description = "Configuration (default: ${DEFAULT-VALUE}).")
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
                false);
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.daemon.control.ControlRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice metrics}. */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description = "Print the daemon's metrics in the Prometheus text format.")
final class MetricsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SocketOptions socket = new SocketOptions();

    @Override
    public Integer call() {
        DaemonRequests.Outcome outcome =
                DaemonRequests.send(spec, socket, ControlRequest.of("metrics"));
        if (outcome.ok()) {
            spec.commandLine().getOut().print(outcome.reply().result().asText());
            spec.commandLine().getOut().flush();
        }
        return outcome.exitCode();
    }
}

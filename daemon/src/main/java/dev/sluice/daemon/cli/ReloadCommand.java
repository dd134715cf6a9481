package dev.sluice.daemon.cli;

import dev.sluice.daemon.control.ControlRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice reload}. */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = {
            "Tell the running daemon to re-read its configuration.",
            "",
            "Prefix lists and the split policy change without dropping the tunnel; a change"
                    + " of the interface or the peers reconnects. An invalid configuration is"
                    + " refused, and the running one stays."
        })
final class ReloadCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SocketOptions socket = new SocketOptions();

    @Override
    public Integer call() {
        DaemonRequests.Outcome outcome =
                DaemonRequests.send(spec, socket, ControlRequest.of("reload"));
        if (outcome.ok()) {
            spec.commandLine().getOut().println(outcome.reply().result().path("message").asText());
            spec.commandLine().getOut().flush();
        }
        return outcome.exitCode();
    }
}

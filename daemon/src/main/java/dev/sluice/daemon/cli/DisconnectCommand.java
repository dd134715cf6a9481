package dev.sluice.daemon.cli;

import dev.sluice.daemon.control.ControlRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice disconnect}. */
@Command(
        name = "disconnect",
        mixinStandardHelpOptions = true,
        description = {
            "Tell the running daemon to take the tunnel down.",
            "",
            "Every change is undone; this works from every state (connecting, connected,"
                    + " error) and returns when done."
        })
final class DisconnectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SocketOptions socket = new SocketOptions();

    @Override
    public Integer call() {
        DaemonRequests.Outcome outcome =
                DaemonRequests.send(spec, socket, ControlRequest.of("disconnect"));
        if (outcome.ok()) {
            spec.commandLine().getOut().println(outcome.reply().result().path("state").asText());
            spec.commandLine().getOut().flush();
        }
        return outcome.exitCode();
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.daemon.control.ControlProtocol;
import dev.sluice.daemon.control.ControlRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice connect [--wait SECONDS]}. */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = {
            "Tell the running daemon to bring the tunnel up.",
            "",
            "Nothing changes when the tunnel is up or coming up already. With --wait, the"
                    + " command returns when the tunnel is connected (exit 0) or in the error state"
                    + " (exit 1), or after SECONDS."
        })
final class ConnectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            arity = "0..1",
            fallbackValue = "30",
            description = "Wait for the outcome, up to SECONDS (default when given: 30).")
    Integer waitSeconds;

    @Mixin SocketOptions socket = new SocketOptions();

    @Override
    public Integer call() {
        DaemonRequests.Outcome outcome =
                DaemonRequests.send(
                        spec,
                        socket,
                        new ControlRequest(ControlProtocol.VERSION, "connect", null, waitSeconds));
        if (!outcome.ok()) {
            return outcome.exitCode();
        }
        String state = outcome.reply().result().path("state").asText();
        String error = outcome.reply().result().path("error").asText(null);
        spec.commandLine().getOut().println(state + (error == null ? "" : ": " + error));
        spec.commandLine().getOut().flush();
        if (waitSeconds != null && !state.equals("connected")) {
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.daemon.control.ControlClient;
import dev.sluice.daemon.control.ControlReply;
import dev.sluice.daemon.control.ControlRequest;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** Sends one request to the daemon for a CLI command and reports failures in SPEC.md's codes. */
final class DaemonRequests {
    /** A reply, or the exit code when there is none to use. */
    record Outcome(ControlReply reply, int exitCode) {
        boolean ok() {
            return reply != null && reply.ok();
        }
    }

    private DaemonRequests() {}

    static Outcome send(CommandSpec spec, SocketOptions socket, ControlRequest request) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            ControlReply reply = ControlClient.send(socket.path, request);
            if (!reply.ok()) {
                err.println("sluice " + request.command() + ": " + reply.error());
                err.flush();
                return new Outcome(reply, ExitCodes.FAILURE);
            }
            return new Outcome(reply, ExitCodes.OK);
        } catch (ControlClient.Unreachable e) {
            err.println("sluice " + request.command() + ": " + e.getMessage());
            err.flush();
            return new Outcome(null, ExitCodes.DAEMON_UNREACHABLE);
        } catch (IOException e) {
            err.println("sluice " + request.command() + ": " + e.getMessage());
            err.flush();
            return new Outcome(null, ExitCodes.FAILURE);
        }
    }
}

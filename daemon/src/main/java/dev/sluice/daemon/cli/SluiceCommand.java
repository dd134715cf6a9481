package dev.sluice.daemon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top of the command tree: {@code sluice <command> [options]}. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Split-tunnel VPN daemon speaking WireGuard: each packet is tunnelled, bypassed"
                    + " (reinjected into the host stack) or dropped by a compressed CIDR trie.",
            "",
            "'sluice <command> --help' describes a command and 'man sluice' all of them;"
                    + " /usr/share/doc/sluice describes the configuration and running Sluice as a"
                    + " service."
        },
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:failure at run time",
            "2:usage or configuration error",
            "3:daemon not reachable"
        },
        subcommands = {
            DaemonCommand.class,
            UpCommand.class,
            ConnectCommand.class,
            DisconnectCommand.class,
            StatusCommand.class,
            ReloadCommand.class,
            MetricsCommand.class,
            RecoverCommand.class,
            BugReportCommand.class,
            KillSwitchCommand.class,
            LabCommand.class,
            CheckConfigCommand.class,
            ClassifyCommand.class,
            GenkeyCommand.class,
            PubkeyCommand.class,
            CompletionCommand.class,
            ManPageCommand.class
        })
public final class SluiceCommand implements Runnable {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(
            names = "--verbose",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.daemon.BuildInfo;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sluice manpage}: sluice(1) in roff, generated from the command tree (the same text as the
 * commands' --help), for the .deb. Hidden: packagers use it, people read {@code man sluice}.
 */
@Command(
        name = "manpage",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Print the sluice(1) manual page in roff.")
final class ManPageCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CommandSpec root = spec.root();
        out.println(
                ".TH SLUICE 1 \""
                        + LocalDate.now()
                        + "\" \"sluice "
                        + BuildInfo.version()
                        + "\" \"Sluice manual\"");
        out.println(".SH NAME");
        out.println("sluice \\- split-tunnel VPN daemon speaking WireGuard");
        out.println(".SH SYNOPSIS");
        out.println(".B sluice");
        out.println("\\fICOMMAND\\fR [\\fIOPTIONS\\fR]");
        out.println(".SH DESCRIPTION");
        out.println(escape(root.usageMessage().description()[0]));
        out.println(".SH COMMANDS");
        for (CommandLine sub : root.subcommands().values()) {
            CommandSpec command = sub.getCommandSpec();
            if (command.usageMessage().hidden()) {
                continue;
            }
            out.println(".SS " + escape("sluice " + command.name()));
            paragraphs(out, command.usageMessage().description());
            for (OptionSpec option : command.options()) {
                if (option.hidden()
                        || option.longestName().equals("--help")
                        || option.longestName().equals("--version")) {
                    continue;
                }
                out.println(".TP");
                out.println(
                        "\\fB"
                                + escape(String.join(", ", option.names()))
                                + "\\fR"
                                + (option.typedValues().isEmpty() && !option.isOption()
                                        ? ""
                                        : label(option)));
                out.println(
                        escape(
                                String.join(" ", option.description())
                                        .replace(
                                                "${DEFAULT-VALUE}",
                                                String.valueOf(option.defaultValue()))));
            }
        }
        out.println(".SH EXIT STATUS");
        out.println(
                "0 ok; 1 failure at run time; 2 usage or configuration error; 3 daemon not reachable.");
        out.println(".SH FILES");
        out.println(
                "/etc/sluice/sluice.conf, /etc/sluice/managed.d/*.conf, /var/lib/sluice (journal and snapshot), /run/sluice/sluice.sock (control socket), /var/run/wireguard/<interface>.sock (WireGuard API).");
        out.println(".SH SEE ALSO");
        out.println("wg(8), ip(8), nft(8)");
        out.println(".PP");
        out.println(
                escape(
                        "/usr/share/doc/sluice/configuration.md: every configuration key, the"
                                + " split policy, split DNS and managed configuration."));
        out.println(".br");
        out.println(
                escape(
                        "/usr/share/doc/sluice/operations.md: running Sluice as a service, what"
                                + " it changes and how it is put back, the control socket and the"
                                + " metrics."));
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * A command's description as roff: an empty element starts a new paragraph; an indented one is
     * an example, kept on its own line.
     */
    private static void paragraphs(PrintWriter out, String[] description) {
        for (String line : description) {
            if (line.isBlank()) {
                out.println(".PP");
            } else if (line.startsWith(" ")) {
                out.println(".RS 4");
                out.println(".nf");
                out.println(escape(line.strip()));
                out.println(".fi");
                out.println(".RE");
            } else {
                out.println(escape(line));
            }
        }
    }

    private static String label(OptionSpec option) {
        String label = option.paramLabel();
        return option.arity().max() == 0 || label == null || label.isEmpty()
                ? ""
                : " \\fI" + escape(label) + "\\fR";
    }

    private static String escape(String text) {
        String escaped = text.replace("\\", "\\\\").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }
}

package dev.sluice.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine commandLine = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void shouldPrintVersionAndRuntime() {
        Run run = run("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("sluice 0.").contains("Java ");
    }

    @Test
    void shouldPrintHelpWithExitCodes() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: sluice").contains("3   daemon not reachable");
    }

    @Test
    void everySubcommandShouldPrintItsHelp() {
        for (String name : Main.newCommandLine().getSubcommands().keySet()) {
            Run run = run(name, "--help");
            assertThat(run.exitCode()).as(name + " --help: " + run.err()).isZero();
            assertThat(run.out()).as(name).contains("Usage: sluice " + name);
        }
    }

    @Test
    void shouldExitWithUsageErrorOnUnknownOptionOrMissingCommand() {
        Run unknown = run("--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
        assertThat(run().exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}

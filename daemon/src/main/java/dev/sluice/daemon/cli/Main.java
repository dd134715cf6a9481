package dev.sluice.daemon.cli;

import picocli.CommandLine;

/** Entry point of the {@code sluice} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (see {@link ExitCodes}). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    /** The configured command tree (also used for completion and man-page generation). */
    public static CommandLine newCommandLine() {
        // picocli's defaults are SPEC.md's: invalid input exits 2, an exception thrown by a
        // command exits 1 (ExitCodes.USAGE and ExitCodes.FAILURE).
        CommandLine commandLine = new CommandLine(new SluiceCommand());
        commandLine.setExecutionExceptionHandler(new OneLineErrors());
        return commandLine;
    }
}

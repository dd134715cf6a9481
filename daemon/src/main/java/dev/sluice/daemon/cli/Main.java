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
        layOutHelp(commandLine);
        return commandLine;
    }

    /**
     * One layout for every command's help: the synopsis, a blank line, the description (its first
     * line is the summary {@code sluice --help} lists; further paragraphs are separated by empty
     * elements and wrapped by picocli), then the arguments and the options under headings.
     */
    private static void layOutHelp(CommandLine command) {
        command.getCommandSpec()
                .usageMessage()
                .descriptionHeading("%n")
                .parameterListHeading("%nArguments:%n")
                .optionListHeading("%nOptions:%n");
        for (CommandLine sub : command.getSubcommands().values()) {
            layOutHelp(sub);
        }
    }
}

package dev.sluice.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Failures at run time print one sentence ({@code sluice: <message>}); the stack trace only when
 * the command line has {@code --verbose} or {@code SLUICE_VERBOSE=1} is set.
 */
final class OneLineErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
            Exception exception, CommandLine commandLine, ParseResult parseResult) {
        boolean verbose =
                parseResult.originalArgs().contains("--verbose")
                        || "1".equals(System.getenv("SLUICE_VERBOSE"));
        Throwable cause = exception;
        String message = cause.getMessage();
        while (message == null && cause.getCause() != null) {
            cause = cause.getCause();
            message = cause.getMessage();
        }
        commandLine.getErr().println("sluice: " + (message == null ? cause.toString() : message));
        if (verbose) {
            exception.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return ExitCodes.FAILURE;
    }
}

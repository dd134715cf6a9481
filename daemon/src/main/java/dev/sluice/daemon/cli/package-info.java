/**
 * The {@code sluice} command line (picocli): one launcher, many subcommands, the exit codes of
 * SPEC.md ({@link dev.sluice.daemon.cli.ExitCodes}).
 *
 * <p>Commands parse their arguments, delegate to the daemon's services or the control socket, and
 * print results; they hold no state between runs. Errors are one sentence naming the file, key or
 * address at fault; stack traces only with {@code --verbose}.
 */
package dev.sluice.daemon.cli;

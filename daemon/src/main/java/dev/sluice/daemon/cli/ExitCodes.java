package dev.sluice.daemon.cli;

/** Process exit codes every {@code sluice} command uses (SPEC.md, "Commands"). */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;

    /** Failure at run time. */
    public static final int FAILURE = 1;

    /** Usage or configuration error. */
    public static final int USAGE = 2;

    /** The daemon is not reachable on its control socket. */
    public static final int DAEMON_UNREACHABLE = 3;

    private ExitCodes() {}
}

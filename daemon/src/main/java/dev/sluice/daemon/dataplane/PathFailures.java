package dev.sluice.daemon.dataplane;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What one data path (outbound, inbound or control) does with a failure: an exception or error
 * thrown while handling a packet ({@code OutOfDirectMemoryError} and other {@code Error}s
 * included), or a device read that fails. Each is counted; the first is logged with its stack trace
 * and later ones as one line per {@link #LOG_INTERVAL_NS} with how many there were; the path then
 * goes on with the next packet.
 *
 * <p>A path that fails on and on is declared failed, once: when at least {@link
 * #FAILING_AFTER_ERRORS} failures came in a row, with no packet getting through in between, over at
 * least {@link #FAILING_AFTER_NS}. The reason goes to the data plane, which the service turns into
 * its {@code error} state (so {@code sluice status} says why), never a "connected" daemon that
 * forwards nothing. A burst of failures shorter than that (a moment without direct memory) is
 * survived.
 *
 * <p>One thread per instance (the path's own); {@link #succeeded} is allocation-free, {@link
 * #failed} allocates only to log, and survives running out of memory while doing so.
 */
final class PathFailures {
    /** Failing continuously for this long, and ... */
    static final long FAILING_AFTER_NS = TimeUnit.SECONDS.toNanos(2);

    /** ... this many failures in a row, and the path is declared failed. */
    static final int FAILING_AFTER_ERRORS = 10;

    /** At most one log line per path per this interval after the first. */
    static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    /** Where log lines go: a message and, for the first failure, its throwable (else null). */
    @FunctionalInterface
    interface Log {
        void log(String message, Throwable error);
    }

    private static final System.Logger LOGGER = System.getLogger(PathFailures.class.getName());

    private final String path;
    private final Counter counter;
    private final DataPlaneCounters counters;
    private final Consumer<String> onFailed;
    private final Log log;

    private int errorsInRow;
    private long firstInRowNs;
    private boolean loggedOnce;
    private long lastLogNs;
    private long notLogged;
    private boolean declared;

    /**
     * @param path the path's name in logs and the failure reason ("outbound", "inbound", "control")
     * @param counter the counter of its failures
     * @param onFailed receives the reason when the path is declared failed
     */
    PathFailures(
            String path, Counter counter, DataPlaneCounters counters, Consumer<String> onFailed) {
        this(
                path,
                counter,
                counters,
                onFailed,
                (message, error) -> LOGGER.log(Level.ERROR, message, error));
    }

    PathFailures(
            String path,
            Counter counter,
            DataPlaneCounters counters,
            Consumer<String> onFailed,
            Log log) {
        this.path = path;
        this.counter = counter;
        this.counters = counters;
        this.onFailed = onFailed;
        this.log = log;
    }

    /** A packet went through: the run of failures, if any, is over. */
    void succeeded() {
        if (errorsInRow != 0) {
            errorsInRow = 0;
        }
    }

    /**
     * Records {@code error}.
     *
     * @return true when the path has now been declared failed (the caller may stop)
     */
    boolean failed(Throwable error, long nowNs) {
        return record(error, null, nowNs);
    }

    /** Records a failure without an exception (a read that returned an error number). */
    boolean failed(String what, long nowNs) {
        return record(null, what, nowNs);
    }

    /** Whether this path has been declared failed. */
    boolean declared() {
        return declared;
    }

    private boolean record(Throwable error, String what, long nowNs) {
        counters.increment(counter);
        if (errorsInRow++ == 0) {
            firstInRowNs = nowNs;
        }
        try {
            logThrottled(error, what, nowNs);
        } catch (Throwable unloggable) {
            // Out of memory while logging: the counter has it; the path goes on.
        }
        if (!declared
                && errorsInRow >= FAILING_AFTER_ERRORS
                && nowNs - firstInRowNs >= FAILING_AFTER_NS) {
            declared = true;
            String reason;
            try {
                reason =
                        path
                                + " data path failed: "
                                + errorsInRow
                                + " errors in a row over "
                                + TimeUnit.NANOSECONDS.toMillis(nowNs - firstInRowNs)
                                + " ms without a packet getting through; last: "
                                + describe(error, what);
                log.log(reason, null);
            } catch (Throwable unbuildable) {
                reason = path + " data path failed (no memory left to say more)";
            }
            onFailed.accept(reason);
        }
        return declared;
    }

    private void logThrottled(Throwable error, String what, long nowNs) {
        if (!loggedOnce) {
            loggedOnce = true;
            lastLogNs = nowNs;
            log.log(
                    path
                            + " data path error (counted; the path goes on with the next packet): "
                            + describe(error, what),
                    error);
            return;
        }
        notLogged++;
        if (nowNs - lastLogNs >= LOG_INTERVAL_NS) {
            log.log(
                    path
                            + " data path: "
                            + notLogged
                            + " more error(s) in the last "
                            + TimeUnit.NANOSECONDS.toSeconds(nowNs - lastLogNs)
                            + " s; latest: "
                            + describe(error, what),
                    null);
            lastLogNs = nowNs;
            notLogged = 0;
        }
    }

    private static String describe(Throwable error, String what) {
        return error != null ? error.toString() : what;
    }
}

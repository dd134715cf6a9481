package dev.sluice.daemon.localsocket;

/**
 * What clients of one local socket may hold. {@link #DEFAULTS} are the daemon's; tests shorten the
 * times.
 *
 * @param maxConnections connections served at once; a further one is closed as soon as it is
 *     accepted
 * @param readTimeoutMs a request must arrive whole within this long of the connection opening or of
 *     the previous reply, else the connection is closed (trickled bytes do not extend it)
 * @param writeTimeoutMs a reply must be taken by the client within this long, else the connection
 *     is closed
 */
public record LocalSocketLimits(int maxConnections, long readTimeoutMs, long writeTimeoutMs) {
    /** 32 connections; 5 s to send a request (the CLI sends its line at once), 10 s to read. */
    public static final LocalSocketLimits DEFAULTS = new LocalSocketLimits(32, 5_000, 10_000);

    public LocalSocketLimits {
        if (maxConnections < 1 || readTimeoutMs <= 0 || writeTimeoutMs <= 0) {
            throw new IllegalArgumentException(
                    "local socket limits must be positive: maxConnections "
                            + maxConnections
                            + ", readTimeoutMs "
                            + readTimeoutMs
                            + ", writeTimeoutMs "
                            + writeTimeoutMs);
        }
    }
}

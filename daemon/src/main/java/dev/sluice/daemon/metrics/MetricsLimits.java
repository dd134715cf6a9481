package dev.sluice.daemon.metrics;

/**
 * What clients of the metrics endpoint may hold. {@link #DEFAULTS} are the daemon's; tests shorten
 * the times.
 *
 * @param maxConnections connections open at once; a further one is closed as soon as it is accepted
 * @param readTimeoutMs the request must arrive whole within this long of connecting (trickled bytes
 *     do not extend it)
 * @param scrapeTimeoutMs the metrics must be rendered within this long, else 503
 * @param writeTimeoutMs the client must take the response within this long, else it is closed
 */
public record MetricsLimits(
        int maxConnections, long readTimeoutMs, long scrapeTimeoutMs, long writeTimeoutMs) {
    /** 16 connections, 5 s to send the request, 10 s to render, 10 s to take the response. */
    public static final MetricsLimits DEFAULTS = new MetricsLimits(16, 5_000, 10_000, 10_000);

    public MetricsLimits {
        if (maxConnections < 1
                || readTimeoutMs <= 0
                || scrapeTimeoutMs <= 0
                || writeTimeoutMs <= 0) {
            throw new IllegalArgumentException(
                    "metrics endpoint limits must be positive: maxConnections "
                            + maxConnections
                            + ", readTimeoutMs "
                            + readTimeoutMs
                            + ", scrapeTimeoutMs "
                            + scrapeTimeoutMs
                            + ", writeTimeoutMs "
                            + writeTimeoutMs);
        }
    }
}

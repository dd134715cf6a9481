package dev.sluice.daemon.dns;

/**
 * What one client may hold of the forwarder over TCP (RFC 7766 §6.2: a server must bound its
 * connections and their lifetime). {@link #DEFAULTS} are the daemon's; tests shorten the times.
 *
 * @param maxConnections TCP connections open at once over all listening addresses; a further one is
 *     closed as soon as it is accepted (counted as {@code tcp_connections_refused})
 * @param maxQueriesInFlightPerConnection queries of one connection being answered at once, counted
 *     until the reply is written to the socket; while at the limit the connection is not read
 * @param idleTimeoutMs a connection with no query in progress and no reply pending is closed after
 *     this long (unbound's {@code tcp-idle-timeout} is 30 s)
 * @param messageTimeoutMs a query must arrive whole within this long of its first byte (time the
 *     forwarder spends not reading the connection does not count); else the connection is cut
 * @param lifetimeMs a connection is cut this long after it was accepted, whatever it does
 */
public record TcpLimits(
        int maxConnections,
        int maxQueriesInFlightPerConnection,
        long idleTimeoutMs,
        long messageTimeoutMs,
        long lifetimeMs) {

    /**
     * 64 connections, 16 queries in flight each (so at most 16 replies of up to 64 KiB wait for one
     * client that does not read), idle 30 s, 10 s per message, 2 minutes per connection: a byte
     * every 29 s keeps nothing open, and clients reconnect as RFC 7766 §6.2.3 expects of them.
     */
    public static final TcpLimits DEFAULTS = new TcpLimits(64, 16, 30_000, 10_000, 120_000);

    public TcpLimits {
        if (maxConnections < 1 || maxQueriesInFlightPerConnection < 1) {
            throw new IllegalArgumentException(
                    "TCP limits must be at least 1: maxConnections "
                            + maxConnections
                            + ", maxQueriesInFlightPerConnection "
                            + maxQueriesInFlightPerConnection);
        }
        if (idleTimeoutMs <= 0 || messageTimeoutMs <= 0 || lifetimeMs <= 0) {
            throw new IllegalArgumentException(
                    "TCP timeouts must be positive: idle "
                            + idleTimeoutMs
                            + " ms, message "
                            + messageTimeoutMs
                            + " ms, lifetime "
                            + lifetimeMs
                            + " ms");
        }
    }
}

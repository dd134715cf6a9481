package dev.sluice.daemon.dns;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Sends one query to one server and waits for its answer (Netty in the daemon, fakes in tests). */
public interface DnsUpstream {
    /**
     * Sends {@code query} to {@code server}.
     *
     * @param bypass true: through the bypass path (the daemon's mark); false: through the tunnel
     * @param tcp true: over TCP (two-byte length prefix); false: one UDP datagram from a fresh
     *     socket on a random port
     * @param accepts which replies answer this query (others, such as spoofed ones, are ignored)
     * @return the first accepted reply; completes exceptionally on timeout or a refused connection
     */
    CompletableFuture<byte[]> exchange(
            byte[] query,
            InetSocketAddress server,
            boolean bypass,
            boolean tcp,
            Predicate<byte[]> accepts);
}

package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Forwarders and event loops for tests that put a real {@link DnsServer} on loopback. */
final class DnsTestServers {
    /** The forwarder's loopback listening address, any free port. */
    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private DnsTestServers() {}

    /** One epoll event loop thread, as the daemon runs split DNS. */
    static EventLoopGroup eventLoop() {
        return new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    /**
     * A forwarder without domain rules: every name goes to {@code resolver} through {@code
     * upstream}, 1,000 queries in flight at most.
     */
    static DnsForwarder forwarder(
            DnsUpstream upstream, InetSocketAddress resolver, DnsCounters counters) {
        AtomicInteger ids = new AtomicInteger(0x2000);
        return new DnsForwarder(
                new DomainRules(List.of(), List.of(), List.of(), false, false),
                List.of(),
                () -> List.of(resolver),
                upstream,
                LearnedRoutes.system(
                        Duration.ofSeconds(1), Duration.ofHours(1), counters, () -> {}),
                counters,
                ids::incrementAndGet,
                1_000);
    }

    /** Waits until {@code condition} holds, failing after {@code timeoutMs}. */
    static void await(String what, long timeoutMs, BooleanSupplier condition)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadlineNs).as("waiting for " + what).isNegative();
            Thread.sleep(5);
        }
    }
}

package dev.sluice.daemon.dns;

import dev.sluice.daemon.dns.DnsCounters.Event;
import dev.sluice.daemon.dns.DomainRules.Upstream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Answers one query: picks the resolvers ({@link DomainRules}), forwards the raw message with a
 * random ID to each in turn until one answers, learns routes from the answer, and returns the
 * answer with the client's ID. No server answering gives SERVFAIL, and so does a query beyond
 * {@code maxInFlight} forwarded at once; an unreadable query FORMERR (or nothing, without a
 * header); an opcode other than QUERY NOTIMP. A truncated UDP answer goes back as it is: the client
 * retries over TCP, which is forwarded over TCP.
 *
 * <p>Never throws: every outcome is a reply (or null for "send nothing") and a counter.
 */
public final class DnsForwarder {
    private static final Logger LOG = System.getLogger(DnsForwarder.class.getName());
    private static final int RCODE_MASK = 0xf;

    private final DomainRules rules;
    private final List<InetSocketAddress> tunnelResolvers;
    private final Supplier<List<InetSocketAddress>> originalResolvers;
    private final DnsUpstream upstream;
    private final LearnedRoutes learned;
    private final DnsCounters counters;
    private final IntSupplier randomId;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param tunnelResolvers the {@code [Interface] DNS} servers
     * @param originalResolvers the machine's resolvers from before connecting
     * @param randomId a fresh random 16-bit ID per upstream query
     * @param maxInFlight queries forwarded at once; more get SERVFAIL at once (counted)
     */
    public DnsForwarder(
            DomainRules rules,
            List<InetSocketAddress> tunnelResolvers,
            Supplier<List<InetSocketAddress>> originalResolvers,
            DnsUpstream upstream,
            LearnedRoutes learned,
            DnsCounters counters,
            IntSupplier randomId,
            int maxInFlight) {
        this.rules = rules;
        this.tunnelResolvers = List.copyOf(tunnelResolvers);
        this.originalResolvers = originalResolvers;
        this.upstream = upstream;
        this.learned = learned;
        this.counters = counters;
        this.randomId = randomId;
        this.maxInFlight = maxInFlight;
    }

    /** Where this forwarder and its listeners count what they did. */
    public DnsCounters counters() {
        return counters;
    }

    /**
     * The reply to {@code message}, or null when nothing should be sent.
     *
     * @param tcp whether the client asked over TCP
     */
    public CompletableFuture<byte[]> handle(byte[] message, boolean tcp) {
        DnsQuery query;
        try {
            query = DnsQuery.parse(message);
        } catch (DnsFormatException e) {
            counters.increment(Event.MALFORMED_QUERIES);
            return CompletableFuture.completedFuture(DnsReplies.formatError(message));
        }
        if (query.opcode() != 0) {
            return CompletableFuture.completedFuture(
                    DnsReplies.error(message, query, DnsQuery.RCODE_NOTIMP));
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            // A flood must not turn into thousands of upstream sockets: refuse, counted.
            inFlight.decrementAndGet();
            counters.increment(Event.OVERLOADED);
            return CompletableFuture.completedFuture(
                    DnsReplies.error(message, query, DnsQuery.RCODE_SERVFAIL));
        }
        Upstream route = rules.upstream(query.name());
        List<InetSocketAddress> servers;
        if (route == Upstream.TUNNEL) {
            counters.increment(Event.QUERIES_TUNNEL);
            servers = tunnelResolvers;
        } else {
            counters.increment(Event.QUERIES_ORIGINAL);
            servers = originalResolvers.get();
        }
        return attempt(message, query, servers, 0, route == Upstream.ORIGINAL, tcp)
                .whenComplete((reply, failure) -> inFlight.decrementAndGet());
    }

    private CompletableFuture<byte[]> attempt(
            byte[] message,
            DnsQuery query,
            List<InetSocketAddress> servers,
            int index,
            boolean bypass,
            boolean tcp) {
        if (index >= servers.size()) {
            counters.increment(Event.SERVFAIL_SENT);
            return CompletableFuture.completedFuture(
                    DnsReplies.error(message, query, DnsQuery.RCODE_SERVFAIL));
        }
        InetSocketAddress server = servers.get(index);
        int sentId = randomId.getAsInt() & 0xffff;
        CompletableFuture<byte[]> exchange;
        try {
            exchange =
                    upstream.exchange(
                            DnsReplies.withId(message, sentId),
                            server,
                            bypass,
                            tcp,
                            reply -> accepts(reply, query, sentId));
        } catch (RuntimeException e) {
            exchange = CompletableFuture.failedFuture(e);
        }
        return exchange.handle(
                        (reply, failure) -> {
                            if (failure != null) {
                                counters.increment(Event.UPSTREAM_FAILURES);
                                LOG.log(
                                        Level.DEBUG,
                                        "no answer from " + server + " for " + query.name());
                                return null;
                            }
                            try {
                                learn(query, reply);
                            } catch (RuntimeException e) {
                                // Fail closed: an address the table cannot hold is not handed out.
                                LOG.log(
                                        Level.WARNING,
                                        "cannot add the routes of "
                                                + query.name()
                                                + ": "
                                                + e.getMessage());
                                counters.increment(Event.SERVFAIL_SENT);
                                return DnsReplies.error(message, query, DnsQuery.RCODE_SERVFAIL);
                            }
                            return DnsReplies.withId(reply, query.id());
                        })
                .thenCompose(
                        reply ->
                                reply != null
                                        ? CompletableFuture.completedFuture(reply)
                                        : attempt(message, query, servers, index + 1, bypass, tcp));
    }

    private boolean accepts(byte[] reply, DnsQuery query, int sentId) {
        try {
            if (DnsResponse.parse(reply).answers(query, sentId)) {
                return true;
            }
        } catch (DnsFormatException e) {
            // Counted below with the other replies that answer nothing we asked.
        }
        counters.increment(Event.IGNORED_REPLIES);
        return false;
    }

    /** Adds the answer's addresses to the learned routes when a domain rule covers its chain. */
    private void learn(DnsQuery query, byte[] reply) {
        DnsResponse response;
        try {
            response = DnsResponse.parse(reply);
        } catch (DnsFormatException e) {
            return; // accepted replies parse; nothing to learn otherwise
        }
        if ((response.flags() & RCODE_MASK) != 0 || response.answers().isEmpty()) {
            return;
        }
        List<String> chain = new ArrayList<>(List.of(query.name()));
        for (boolean grew = true; grew; ) {
            grew = false;
            for (DnsResponse.Answer answer : response.answers()) {
                if (answer.alias() != null
                        && chain.contains(answer.owner())
                        && !chain.contains(answer.alias())) {
                    chain.add(answer.alias());
                    grew = true;
                }
            }
        }
        DomainRules.Match match = rules.verdict(chain);
        if (match == null) {
            return;
        }
        List<DnsResponse.Answer> addresses = new ArrayList<>();
        for (DnsResponse.Answer answer : response.answers()) {
            if (answer.address() != null && chain.contains(answer.owner())) {
                addresses.add(answer);
            }
        }
        if (!addresses.isEmpty()) {
            learned.learn(addresses, match.verdict(), match.pattern().toString(), query.name());
            counters.add(Event.ADDRESSES_LEARNED, addresses.size());
        }
    }
}

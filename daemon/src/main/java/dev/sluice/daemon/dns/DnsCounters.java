package dev.sluice.daemon.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the forwarder did, for {@code status} and metrics ({@code sluice_dns_*}). */
public final class DnsCounters {
    /** One counter per event. */
    public enum Event {
        QUERIES_TUNNEL("queries_tunnel"),
        QUERIES_ORIGINAL("queries_original"),
        UPSTREAM_FAILURES("upstream_failures"),
        SERVFAIL_SENT("servfail_sent"),
        OVERLOADED("overloaded"),
        MALFORMED_QUERIES("malformed_queries"),
        IGNORED_REPLIES("ignored_replies"),
        ADDRESSES_LEARNED("addresses_learned"),
        /** An answer's address whose static verdict the answer may not change. */
        REFUSED_LEARN("refused_learn"),
        /** A learned route dropped because the learned set was full. */
        LEARNED_EVICTED("learned_evicted"),
        /** A TCP connection beyond the cap, closed as soon as it was accepted. */
        TCP_CONNECTIONS_REFUSED("tcp_connections_refused"),
        /** A TCP connection cut at its lifetime or for a message not whole in time. */
        TCP_CONNECTIONS_CUT("tcp_connections_cut"),
        /** A UDP answer larger than its client takes, sent back truncated (TC set). */
        TRUNCATED_REPLIES("truncated_replies");

        private final String label;

        Event(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final LongAdder[] counts = new LongAdder[Event.values().length];

    public DnsCounters() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void add(Event event, long amount) {
        counts[event.ordinal()].add(amount);
    }

    public void increment(Event event) {
        counts[event.ordinal()].increment();
    }

    public long get(Event event) {
        return counts[event.ordinal()].sum();
    }

    /** Every counter by label, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        for (Event event : Event.values()) {
            values.put(event.label(), get(event));
        }
        return values;
    }
}

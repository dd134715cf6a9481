package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The routes learned from DNS answers that apply on top of a static {@link CompiledPolicy}: each
 * admitted by {@link LearnedAdmission}, with its peer resolved (longest AllowedIPs match; a tunnel
 * route no peer accepts is dropped, never leaked), in a {@link HostRouteTable} the data path checks
 * before the static table. A learned route is a host route, longer than any static prefix but an
 * equal host prefix, and admission keeps every static decision that must hold, so "learned first,
 * then static" is the longest-prefix answer.
 *
 * <p>Building costs O(k) for k learned routes (two trie lookups each) and never recompiles the
 * static table. Immutable and thread-safe.
 */
public final class LearnedOverlay {
    public static final LearnedOverlay EMPTY = new LearnedOverlay(HostRouteTable.EMPTY, Map.of());

    private final HostRouteTable table;
    private final Map<IpPrefix, Integer> values;

    private LearnedOverlay(HostRouteTable table, Map<IpPrefix, Integer> values) {
        this.table = table;
        this.values = values;
    }

    /** The routes of {@code learned} that {@code policy} admits; later duplicates win. */
    public static LearnedOverlay build(CompiledPolicy policy, List<LearnedRoute> learned) {
        if (learned.isEmpty()) {
            return EMPTY;
        }
        Map<IpPrefix, Integer> values = HashMap.newHashMap(learned.size());
        for (LearnedRoute route : learned) {
            if (LearnedAdmission.refusal(policy, route) != null) {
                continue;
            }
            int value;
            if (route.verdict() == Verdict.TUNNEL) {
                int peer = policy.peerFor(route.prefix());
                value =
                        peer < 0
                                ? RouteValue.noPeer(DecisionSource.DOMAIN_TUNNEL)
                                : RouteValue.of(Verdict.TUNNEL, DecisionSource.DOMAIN_TUNNEL, peer);
            } else {
                value = RouteValue.of(route.verdict(), DecisionSource.DOMAIN_BYPASS, -1);
            }
            values.put(route.prefix(), value);
        }
        return new LearnedOverlay(new HostRouteTable(values), Collections.unmodifiableMap(values));
    }

    /**
     * The data path's table: host address to {@link RouteValue}, or {@link PrefixTable#NO_MATCH}.
     */
    public HostRouteTable table() {
        return table;
    }

    /** Number of learned routes in force. */
    public int size() {
        return values.size();
    }

    /** The verdict for one address: the learned route when one is in force, else the static one. */
    public Classification classify(CompiledPolicy policy, IpPrefix address) {
        Integer value = values.get(address);
        if (value == null) {
            return policy.classify(address);
        }
        return new Classification(
                address,
                RouteValue.verdict(value),
                address,
                RouteValue.source(value),
                RouteValue.peer(value),
                RouteValue.isNoPeer(value));
    }

    /**
     * The kernel strategy's routes: {@code staticRoutes} (the static policy's aggregated routes)
     * plus a host route for every learned route whose verdict differs from the static one there.
     */
    public Map<IpPrefix, Verdict> kernelRoutes(
            CompiledPolicy policy, Map<IpPrefix, Verdict> staticRoutes) {
        if (values.isEmpty()) {
            return staticRoutes;
        }
        Map<IpPrefix, Verdict> routes = new TreeMap<>(staticRoutes);
        for (Map.Entry<IpPrefix, Integer> learned : values.entrySet()) {
            Verdict verdict = RouteValue.verdict(learned.getValue());
            if (policy.classify(learned.getKey()).verdict() != verdict) {
                routes.put(learned.getKey(), verdict);
            }
        }
        return routes;
    }
}

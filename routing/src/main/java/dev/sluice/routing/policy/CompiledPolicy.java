package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.PrefixAggregator;
import dev.sluice.routing.trie.CompiledPrefixTable;
import dev.sluice.routing.trie.PrefixTable;
import java.util.HashMap;
import java.util.Map;

/**
 * A split policy ready to use: the forwarding table the data path looks up (one lookup gives
 * verdict and peer as a {@link RouteValue}), and the decision table that explains verdicts.
 * Immutable and thread-safe.
 */
public final class CompiledPolicy {
    private final SplitPolicy policy;
    private final PrefixTable decisions;
    private final PrefixTable forwarding;
    private final CompiledPrefixTable forwardingCompiled;
    private final PrefixTable peers;

    CompiledPolicy(
            SplitPolicy policy, PrefixTable decisions, PrefixTable forwarding, PrefixTable peers) {
        this.policy = policy;
        this.decisions = decisions;
        this.forwarding = forwarding;
        this.forwardingCompiled = forwarding.compile();
        this.peers = peers;
    }

    public SplitPolicy policy() {
        return policy;
    }

    /** The data path's table: address to {@link RouteValue}; never misses (defaults are /0s). */
    public CompiledPrefixTable forwarding() {
        return forwardingCompiled;
    }

    /** The forwarding entries as a persistent table (for diffs and route counts). */
    public PrefixTable forwardingTable() {
        return forwarding;
    }

    /** Prefix to decision before peers are resolved (verdict and source per prefix). */
    public PrefixTable decisions() {
        return decisions;
    }

    /** The peer whose AllowedIPs holds {@code address} by longest match, or -1. */
    public int peerFor(IpPrefix address) {
        return PrefixTable.matchValue(peers.match(address));
    }

    /** Number of prefixes in the forwarding table. */
    public int size() {
        return forwarding.size();
    }

    /** The verdict for one address and the rule behind it. */
    public Classification classify(IpPrefix address) {
        long decision = decisions.match(address);
        int value = PrefixTable.matchValue(forwarding.match(address));
        DecisionSource source = RouteValue.source(PrefixTable.matchValue(decision));
        int length = PrefixTable.matchLength(decision);
        IpPrefix matched =
                source == DecisionSource.DEFAULT
                        ? null
                        : address.isIpv4()
                                ? IpPrefix.ipv4Containing(address.ipv4Address(), length)
                                : IpPrefix.ipv6Containing(address.high(), address.low(), length);
        return new Classification(
                address,
                RouteValue.verdict(value),
                matched,
                source,
                RouteValue.peer(value),
                RouteValue.isNoPeer(value));
    }

    /**
     * The smallest route set equivalent to the forwarding verdicts, ignoring which peer and why
     * (the kernel strategy routes tunnel-bound prefixes to the tun and lets userspace pick the
     * peer): prefix to verdict.
     */
    public Map<IpPrefix, Verdict> kernelRoutes() {
        Map<IpPrefix, Integer> verdicts = new HashMap<>();
        forwarding.forEach(
                (prefix, value) -> verdicts.put(prefix, RouteValue.verdict(value).ordinal()));
        Map<IpPrefix, Verdict> routes = new java.util.TreeMap<>();
        PrefixAggregator.aggregate(verdicts)
                .forEach((prefix, code) -> routes.put(prefix, Verdict.values()[code]));
        return routes;
    }
}

package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compiles a {@link SplitPolicy} into a {@link CompiledPolicy}.
 *
 * <p>Precedence. The verdict for an address comes from the longest matching prefix among the
 * entries below; for the very same prefix, a later rule in this list replaces an earlier one:
 *
 * <ol>
 *   <li>the mode's default, as {@code 0.0.0.0/0} and {@code ::/0}: include mode bypasses, exclude
 *       mode tunnels;
 *   <li>the machine's attached networks, bypass, when {@code LocalNetworks = bypass};
 *   <li>{@code Bypass} prefixes, bypass;
 *   <li>{@code Tunnel} prefixes, tunnel (in include mode with no Tunnel list, every peer's
 *       AllowedIPs) — a prefix in both lists tunnels, which leaks nothing (the validator reports
 *       it);
 *   <li>the tunnel resolvers ({@code [Interface] DNS}), tunnel: corporate names are never asked in
 *       clear;
 *   <li>the peers' endpoint addresses, bypass (tunnelling them would loop);
 *   <li>special-purpose ranges ({@link SpecialRanges}), whatever the lists say: entries inside them
 *       are discarded, so loopback, multicast, link-local and broadcast are never tunnelled.
 * </ol>
 *
 * <p>A tunnel verdict then names the peer whose AllowedIPs holds the address by longest match; a
 * tunnel-bound address that no peer accepts is dropped, never leaked. The same prefix in two peers
 * goes to the later one (as in WireGuard; the validator reports it).
 *
 * <p>Routes learned from DNS answers are not compiled in: they go on top as a {@link
 * LearnedOverlay}, admitted one by one by {@link LearnedAdmission}, so a DNS answer never costs a
 * recompile of the whole table.
 *
 * <p>Cost: O(n log n) for n prefixes in all inputs.
 */
public final class PolicyCompiler {
    private PolicyCompiler() {}

    public static CompiledPolicy compile(SplitPolicy policy) {
        Map<IpPrefix, Integer> decisions = new HashMap<>();
        Verdict fallback = policy.mode() == SplitMode.INCLUDE ? Verdict.BYPASS : Verdict.TUNNEL;
        put(decisions, IpPrefix.ipv4(0, 0), fallback, DecisionSource.DEFAULT);
        put(decisions, IpPrefix.ipv6(0, 0, 0), fallback, DecisionSource.DEFAULT);
        if (policy.localNetworks() == LocalNetworks.BYPASS) {
            policy.attachedNetworks()
                    .forEach(p -> put(decisions, p, Verdict.BYPASS, DecisionSource.LOCAL_NETWORK));
        }
        policy.bypass().forEach(p -> put(decisions, p, Verdict.BYPASS, DecisionSource.BYPASS_LIST));
        if (!policy.tunnel().isEmpty()) {
            policy.tunnel()
                    .forEach(p -> put(decisions, p, Verdict.TUNNEL, DecisionSource.TUNNEL_LIST));
        } else if (policy.mode() == SplitMode.INCLUDE) {
            for (List<IpPrefix> allowed : policy.peerAllowedIps()) {
                allowed.forEach(p -> put(decisions, p, Verdict.TUNNEL, DecisionSource.ALLOWED_IPS));
            }
        }
        policy.dnsServers()
                .forEach(p -> put(decisions, p, Verdict.TUNNEL, DecisionSource.DNS_SERVER));
        policy.endpoints().forEach(p -> put(decisions, p, Verdict.BYPASS, DecisionSource.ENDPOINT));
        decisions.keySet().removeIf(p -> insideSpecialRange(p));
        for (SpecialRanges.Range range : SpecialRanges.ALL) {
            put(decisions, range.prefix(), range.verdict(), DecisionSource.SPECIAL);
        }

        Map<IpPrefix, Integer> peers = new HashMap<>();
        for (int index = 0; index < policy.peerAllowedIps().size(); index++) {
            for (IpPrefix prefix : policy.peerAllowedIps().get(index)) {
                peers.put(prefix, index);
            }
        }
        Map<IpPrefix, Integer> forwarding = resolvePeers(decisions, peers);
        return new CompiledPolicy(
                policy,
                PrefixTable.builder().putAll(decisions).build(),
                PrefixTable.builder().putAll(forwarding).build(),
                PrefixTable.builder().putAll(peers).build());
    }

    private static void put(
            Map<IpPrefix, Integer> table, IpPrefix prefix, Verdict verdict, DecisionSource source) {
        table.put(prefix, RouteValue.of(verdict, source, -1));
    }

    /** True for a prefix strictly inside (longer than) a special range. */
    private static boolean insideSpecialRange(IpPrefix prefix) {
        SpecialRanges.Range range = SpecialRanges.containing(prefix);
        return range != null && range.prefix().length() < prefix.length();
    }

    /**
     * For every prefix of either table, the decision and the peer that hold at that prefix, by
     * longest match in each table; a sweep in address order with a stack of enclosing prefixes. The
     * longest match of any address in the result then equals combining the two longest matches (all
     * prefixes of both tables are present).
     */
    private static Map<IpPrefix, Integer> resolvePeers(
            Map<IpPrefix, Integer> decisions, Map<IpPrefix, Integer> peers) {
        TreeSet<IpPrefix> all = new TreeSet<>(decisions.keySet());
        all.addAll(peers.keySet());
        record Enclosing(IpPrefix prefix, int decision, int peer) {}
        Deque<Enclosing> stack = new ArrayDeque<>();
        Map<IpPrefix, Integer> forwarding = new HashMap<>();
        List<IpPrefix> ordered = new ArrayList<>(all);
        for (IpPrefix prefix : ordered) {
            while (!stack.isEmpty() && !stack.peek().prefix().contains(prefix)) {
                stack.pop();
            }
            Integer ownDecision = decisions.get(prefix);
            Integer ownPeer = peers.get(prefix);
            int decision =
                    ownDecision != null
                            ? ownDecision
                            : stack.isEmpty() ? -1 : stack.peek().decision();
            int peer = ownPeer != null ? ownPeer : stack.isEmpty() ? -1 : stack.peek().peer();
            stack.push(new Enclosing(prefix, decision, peer));
            forwarding.put(prefix, combine(decision, peer));
        }
        return forwarding;
    }

    private static int combine(int decision, int peer) {
        DecisionSource source = RouteValue.source(decision);
        if (RouteValue.verdict(decision) != Verdict.TUNNEL) {
            return decision;
        }
        return peer < 0 ? RouteValue.noPeer(source) : RouteValue.of(Verdict.TUNNEL, source, peer);
    }
}

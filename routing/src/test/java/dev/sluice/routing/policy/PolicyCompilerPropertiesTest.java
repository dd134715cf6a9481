package dev.sluice.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The compiler against a naive evaluator that applies the documented rules address by address. */
class PolicyCompilerPropertiesTest {
    @Property(tries = 200)
    void compiledPolicyShouldAgreeWithTheNaiveRules(@ForAll long seed) {
        Random random = new Random(seed);
        SplitMode mode = random.nextBoolean() ? SplitMode.INCLUDE : SplitMode.EXCLUDE;
        List<IpPrefix> tunnel = random.nextInt(4) == 0 ? List.of() : randomPrefixes(random, 8);
        List<IpPrefix> bypass = randomPrefixes(random, 6);
        List<List<IpPrefix>> peers = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(3); i++) {
            peers.add(randomPrefixes(random, 4));
        }
        LocalNetworks local = random.nextBoolean() ? LocalNetworks.BYPASS : LocalNetworks.TUNNEL;
        SplitPolicy policy =
                new SplitPolicy(
                        mode,
                        tunnel,
                        bypass,
                        peers,
                        local,
                        randomPrefixes(random, 2),
                        List.of(IpPrefix.hostV4(0x0a000000 | random.nextInt(1 << 16))),
                        List.of(IpPrefix.hostV4(0x0a000000 | random.nextInt(1 << 16))));
        CompiledPolicy compiled = PolicyCompiler.compile(policy);
        Map<IpPrefix, Verdict> kernel = compiled.kernelRoutes();
        PrefixTable kernelTable = PrefixTable.builder().putAll(toOrdinals(kernel)).build();
        for (int i = 0; i < 400; i++) {
            int address =
                    random.nextInt(5) == 0
                            ? random.nextInt()
                            : 0x0a000000 | random.nextInt(1 << 16);
            IpPrefix host = IpPrefix.hostV4(address);
            Classification actual = compiled.classify(host);
            Naive expected = naive(policy, host);
            assertThat(actual.verdict()).as("%s", host).isEqualTo(expected.verdict);
            assertThat(actual.peerIndex()).as("%s peer", host).isEqualTo(expected.peer);
            assertThat(Verdict.values()[PrefixTable.matchValue(kernelTable.match(host))])
                    .as("%s kernel route", host)
                    .isEqualTo(expected.verdict);
        }
    }

    /**
     * Learned routes on top of a random policy: an address leaves the tunnel only where the static
     * policy did not hold it in (not under a Tunnel prefix, the AllowedIPs used as one, a tunnel
     * resolver, or a private address in exclude mode); tunnel routes only pull in; addresses
     * without a learned route keep the static verdict.
     */
    @Property(tries = 200)
    void learnedRoutesShouldNeverMoveAProtectedAddressOutOfTheTunnel(@ForAll long seed) {
        Random random = new Random(seed);
        SplitMode mode = random.nextBoolean() ? SplitMode.INCLUDE : SplitMode.EXCLUDE;
        List<IpPrefix> tunnel = random.nextInt(4) == 0 ? List.of() : randomPrefixes(random, 8);
        List<List<IpPrefix>> peers = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(3); i++) {
            peers.add(
                    random.nextInt(3) == 0
                            ? List.of(IpPrefix.parse("0.0.0.0/0"))
                            : randomPrefixes(random, 4));
        }
        SplitPolicy policy =
                new SplitPolicy(
                        mode,
                        tunnel,
                        randomPrefixes(random, 6),
                        peers,
                        LocalNetworks.BYPASS,
                        randomPrefixes(random, 2),
                        List.of(IpPrefix.hostV4(0x0a000000 | random.nextInt(1 << 16))),
                        List.of(IpPrefix.hostV4(0x0a000000 | random.nextInt(1 << 16))));
        CompiledPolicy compiled = PolicyCompiler.compile(policy);
        List<LearnedRoute> learned = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int address =
                    switch (random.nextInt(4)) {
                        case 0 -> random.nextInt();
                        case 1 -> 0xc0a80000 | random.nextInt(1 << 16); // 192.168/16
                        default -> 0x0a000000 | random.nextInt(1 << 16);
                    };
            learned.add(
                    new LearnedRoute(
                            IpPrefix.hostV4(address),
                            random.nextBoolean() ? Verdict.TUNNEL : Verdict.BYPASS));
        }
        LearnedOverlay overlay = LearnedOverlay.build(compiled, learned);
        List<IpPrefix> holdsIn = new ArrayList<>(policy.dnsServers());
        holdsIn.addAll(
                tunnel.isEmpty() && mode == SplitMode.INCLUDE
                        ? policy.peerAllowedIps().stream().flatMap(List::stream).toList()
                        : tunnel);
        for (LearnedRoute route : learned) {
            IpPrefix host = route.prefix();
            Classification before = compiled.classify(host);
            Classification after = overlay.classify(compiled, host);
            int dataPath = overlay.table().lookupV4(host.ipv4Address());
            if (dataPath < 0) {
                dataPath = compiled.forwarding().lookupV4(host.ipv4Address());
            }
            assertThat(RouteValue.verdict(dataPath))
                    .as("%s data path", host)
                    .isEqualTo(after.verdict());
            boolean tunnelBound = before.verdict() == Verdict.TUNNEL || before.noPeer();
            if (tunnelBound && after.verdict() == Verdict.BYPASS) {
                assertThat(holdsIn.stream().noneMatch(p -> p.contains(host)))
                        .as("%s left a tunnel prefix", host)
                        .isTrue();
                assertThat(mode == SplitMode.EXCLUDE && !PrivateRanges.contains(host))
                        .as("%s: only public addresses leave an exclude-mode tunnel", host)
                        .isTrue();
            }
            if (after.verdict() == Verdict.TUNNEL && before.verdict() != Verdict.TUNNEL) {
                assertThat(
                                learned.stream()
                                        .anyMatch(
                                                r ->
                                                        r.prefix().equals(host)
                                                                && r.verdict() == Verdict.TUNNEL))
                        .as("%s tunnelled without a tunnel answer", host)
                        .isTrue();
            }
        }
        for (int i = 0; i < 200; i++) {
            IpPrefix other = IpPrefix.hostV4(0x0a000000 | random.nextInt(1 << 16));
            if (learned.stream().noneMatch(r -> r.prefix().equals(other))) {
                assertThat(overlay.classify(compiled, other)).isEqualTo(compiled.classify(other));
            }
        }
    }

    private static Map<IpPrefix, Integer> toOrdinals(Map<IpPrefix, Verdict> routes) {
        Map<IpPrefix, Integer> ordinals = new java.util.HashMap<>();
        routes.forEach((prefix, verdict) -> ordinals.put(prefix, verdict.ordinal()));
        return ordinals;
    }

    /** Prefixes clustered in 10.0.0.0/16 (so they nest and collide), sometimes elsewhere. */
    private static List<IpPrefix> randomPrefixes(Random random, int max) {
        List<IpPrefix> prefixes = new ArrayList<>();
        for (int i = random.nextInt(max + 1); i > 0; i--) {
            int address =
                    random.nextInt(6) == 0
                            ? random.nextInt()
                            : 0x0a000000 | random.nextInt(1 << 16);
            prefixes.add(IpPrefix.ipv4Containing(address, 8 + random.nextInt(25)));
        }
        return prefixes;
    }

    private record Naive(Verdict verdict, int peer) {}

    /** The documented rules, applied literally: longest match per rule kind, then precedence. */
    private static Naive naive(SplitPolicy policy, IpPrefix host) {
        SpecialRanges.Range special = SpecialRanges.containing(host);
        // Candidates: (prefix length, rank in precedence, verdict); longest wins, rank breaks ties.
        int bestLength = -1;
        int bestRank = -1;
        Verdict verdict = null;
        List<Object[]> candidates = new ArrayList<>();
        Verdict fallback = policy.mode() == SplitMode.INCLUDE ? Verdict.BYPASS : Verdict.TUNNEL;
        candidates.add(new Object[] {0, 0, fallback});
        if (policy.localNetworks() == LocalNetworks.BYPASS) {
            for (IpPrefix p : policy.attachedNetworks()) {
                candidates.add(new Object[] {p, 1, Verdict.BYPASS});
            }
        }
        for (IpPrefix p : policy.bypass()) {
            candidates.add(new Object[] {p, 3, Verdict.BYPASS});
        }
        List<IpPrefix> tunnel = policy.tunnel();
        if (tunnel.isEmpty() && policy.mode() == SplitMode.INCLUDE) {
            tunnel = policy.peerAllowedIps().stream().flatMap(List::stream).toList();
        }
        for (IpPrefix p : tunnel) {
            candidates.add(new Object[] {p, 4, Verdict.TUNNEL});
        }
        for (IpPrefix p : policy.dnsServers()) {
            candidates.add(new Object[] {p, 5, Verdict.TUNNEL});
        }
        for (IpPrefix p : policy.endpoints()) {
            candidates.add(new Object[] {p, 6, Verdict.BYPASS});
        }
        for (Object[] c : candidates) {
            int length = c[0] instanceof IpPrefix p ? p.length() : 0;
            boolean covers = !(c[0] instanceof IpPrefix p) || p.contains(host);
            if (c[0] instanceof IpPrefix p
                    && special != null
                    && special.prefix().contains(p)
                    && p.length() > special.prefix().length()) {
                covers = false; // discarded: inside a special range
            }
            int rank = (int) c[1];
            if (covers && (length > bestLength || length == bestLength && rank > bestRank)) {
                bestLength = length;
                bestRank = rank;
                verdict = (Verdict) c[2];
            }
        }
        if (special != null && special.prefix().length() >= bestLength) {
            verdict = special.verdict();
        }
        if (verdict != Verdict.TUNNEL) {
            return new Naive(verdict, -1);
        }
        int peer = -1;
        int peerLength = -1;
        for (int i = 0; i < policy.peerAllowedIps().size(); i++) {
            for (IpPrefix p : policy.peerAllowedIps().get(i)) {
                if (p.contains(host) && p.length() >= peerLength) {
                    peer = i;
                    peerLength = p.length();
                }
            }
        }
        return peer < 0 ? new Naive(Verdict.DROP, -1) : new Naive(Verdict.TUNNEL, peer);
    }
}

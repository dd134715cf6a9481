package dev.sluice.routing.aggregate;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Optimal Routing Table Constructor (Draves, King, Venkatachary, Zill, "Constructing Optimal IP
 * Routing Tables", INFOCOM 1999): the smallest set of prefixes whose longest-prefix match gives
 * every address the same value as the input. It subsumes the simple rules (merge two sibling
 * prefixes with equal values into their parent; drop a prefix covered by a parent of equal value)
 * and also finds rewrites those rules miss.
 *
 * <p>Three passes over a binary trie of the input, per family: (1) push each prefix's value down to
 * the leaves (absent children inherit the nearest value above); (2) bottom up, a node's candidate
 * set is the intersection of its children's sets if not empty, else their union; (3) top down, a
 * node keeps its parent's choice when that is a candidate, otherwise it chooses a candidate and
 * emits a prefix. Ties choose the smallest value, so results are deterministic.
 *
 * <p>The input must be complete: it holds a /0 for every family present, so no address is left
 * without a value (the verdict tables of a split policy always are). Cost: O(n * W) time and memory
 * for n prefixes of width W.
 */
public final class PrefixAggregator {
    private PrefixAggregator() {}

    /**
     * The minimal equivalent of {@code table}.
     *
     * @throws IllegalArgumentException when a family is present without its /0
     */
    public static Map<IpPrefix, Integer> aggregate(Map<IpPrefix, Integer> table) {
        Map<IpPrefix, Integer> result = new TreeMap<>();
        for (IpFamily family : IpFamily.values()) {
            Map<IpPrefix, Integer> part = new HashMap<>();
            table.forEach(
                    (prefix, value) -> {
                        if (prefix.family() == family) {
                            part.put(prefix, value);
                        }
                    });
            if (part.isEmpty()) {
                continue;
            }
            IpPrefix root = family == IpFamily.IPV4 ? IpPrefix.ipv4(0, 0) : IpPrefix.ipv6(0, 0, 0);
            if (!part.containsKey(root)) {
                throw new IllegalArgumentException(
                        "cannot aggregate a table without a default route " + root);
            }
            result.putAll(new Ortc(part).run(root));
        }
        return result;
    }

    /** One family's run, on an index-based binary trie. */
    private static final class Ortc {
        private final List<Integer> values = new ArrayList<>();
        private final Map<Integer, Integer> valueIds = new HashMap<>();
        private int[] zero = new int[64];
        private int[] one = new int[64];
        private int[] valueAt = new int[64];
        private BitSet[] candidates = new BitSet[64];
        private int size;
        private final Map<IpPrefix, Integer> emitted = new HashMap<>();

        Ortc(Map<IpPrefix, Integer> entries) {
            newNode();
            entries.forEach(this::insert);
        }

        private int newNode() {
            if (size == zero.length) {
                int capacity = size * 2;
                zero = Arrays.copyOf(zero, capacity);
                one = Arrays.copyOf(one, capacity);
                valueAt = Arrays.copyOf(valueAt, capacity);
                candidates = Arrays.copyOf(candidates, capacity);
            }
            zero[size] = -1;
            one[size] = -1;
            valueAt[size] = -1;
            return size++;
        }

        private void insert(IpPrefix prefix, int value) {
            int node = 0;
            for (int i = 0; i < prefix.length(); i++) {
                if (prefix.bit(i) == 0) {
                    if (zero[node] < 0) {
                        int created = newNode();
                        zero[node] = created;
                    }
                    node = zero[node];
                } else {
                    if (one[node] < 0) {
                        int created = newNode();
                        one[node] = created;
                    }
                    node = one[node];
                }
            }
            valueAt[node] = idOf(value);
        }

        private int idOf(int value) {
            return valueIds.computeIfAbsent(
                    value,
                    v -> {
                        values.add(v);
                        return values.size() - 1;
                    });
        }

        Map<IpPrefix, Integer> run(IpPrefix root) {
            computeCandidates(0, valueAt[0]);
            choose(0, root, -1, valueAt[0]);
            return emitted;
        }

        /** Passes 1 and 2: the candidate set of {@code node}, which inherits {@code above}. */
        private BitSet computeCandidates(int node, int above) {
            int own = valueAt[node] >= 0 ? valueAt[node] : above;
            BitSet set;
            if (zero[node] < 0 && one[node] < 0) {
                set = single(own);
            } else {
                BitSet left = zero[node] < 0 ? single(own) : computeCandidates(zero[node], own);
                BitSet right = one[node] < 0 ? single(own) : computeCandidates(one[node], own);
                set = (BitSet) left.clone();
                set.and(right);
                if (set.isEmpty()) {
                    set = (BitSet) left.clone();
                    set.or(right);
                }
            }
            candidates[node] = set;
            return set;
        }

        private static BitSet single(int id) {
            BitSet set = new BitSet();
            set.set(id);
            return set;
        }

        /**
         * Pass 3 for {@code node} at {@code prefix}: its parent resolved to {@code inherited} (-1
         * at the root), and the input's value pushed down to it is {@code above}.
         */
        private void choose(int node, IpPrefix prefix, int inherited, int above) {
            int own = valueAt[node] >= 0 ? valueAt[node] : above;
            int choice = inherited;
            if (inherited < 0 || !candidates[node].get(inherited)) {
                choice = smallestValue(candidates[node]);
                emitted.put(prefix, values.get(choice));
            }
            if (zero[node] < 0 && one[node] < 0) {
                return;
            }
            for (int bit = 0; bit < 2; bit++) {
                int child = bit == 0 ? zero[node] : one[node];
                if (child >= 0) {
                    choose(child, prefix.child(bit), choice, own);
                } else if (own != choice) {
                    // An absent child is a leaf whose only candidate is the value pushed to it.
                    emitted.put(prefix.child(bit), values.get(own));
                }
            }
        }

        private int smallestValue(BitSet set) {
            int best = -1;
            for (int id = set.nextSetBit(0); id >= 0; id = set.nextSetBit(id + 1)) {
                if (best < 0 || values.get(id) < values.get(best)) {
                    best = id;
                }
            }
            return best;
        }
    }
}

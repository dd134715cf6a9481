package dev.sluice.routing.trie;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable longest-prefix-match table from IPv4 and IPv6 prefixes to small non-negative int
 * values: a compressed multibit trie (8-bit strides, popcount-compressed prefix and child sets per
 * node, ART indexing within a stride, BART-style fringes and path-compressed leaves, and skips over
 * chains of prefix-less single-child nodes).
 *
 * <p>Complexity and allocation contracts:
 *
 * <ul>
 *   <li>{@link #lookupV4}, {@link #lookupV6}, {@link #matchV4}, {@link #matchV6}: at most 4 (IPv4)
 *       or 16 (IPv6) node steps, each a constant number of word operations; no allocation, no
 *       exceptions.
 *   <li>{@link #with} / {@link #without}: O(depth) new nodes (each copying arrays of at most 255
 *       entries); the returned table shares every other node with this one, which stays valid and
 *       unchanged.
 *   <li>{@link Builder#build()}: O(n log n) for n prefixes (one sort, one pass).
 *   <li>Memory: one node per stride shared by two or more prefixes; lone prefixes cost a leaf (or
 *       nothing, for prefixes ending on a stride boundary with small values).
 * </ul>
 *
 * <p>Thread-safety: immutable; share freely and publish new versions through a volatile field.
 */
public final class PrefixTable {
    /** Returned by lookups when no prefix matches. */
    public static final int NO_MATCH = -1;

    private static final PrefixTable EMPTY = new PrefixTable(Node.EMPTY, Node.EMPTY, 0, 0);

    private final Node v4;
    private final Node v6;
    private final int v4Count;
    private final int v6Count;

    private PrefixTable(Node v4, Node v6, int v4Count, int v6Count) {
        this.v4 = v4;
        this.v6 = v6;
        this.v4Count = v4Count;
        this.v6Count = v6Count;
    }

    public static PrefixTable empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Value of the longest prefix containing the IPv4 address, or {@link #NO_MATCH}. */
    public int lookupV4(int address) {
        return (int) TrieOps.lookupV4(v4, address);
    }

    /** Value of the longest prefix containing the IPv6 address, or {@link #NO_MATCH}. */
    public int lookupV6(long high, long low) {
        return (int) TrieOps.lookup(v6, high, low);
    }

    /**
     * The longest match as {@code (prefixLength << 32) | value}, or -1: for callers that also need
     * to know which prefix decided (use {@link #matchLength} and {@link #matchValue}).
     */
    public long matchV4(int address) {
        return TrieOps.lookupV4(v4, address);
    }

    public long matchV6(long high, long low) {
        return TrieOps.lookup(v6, high, low);
    }

    /** The matched prefix length of a packed match (-1 for no match). */
    public static int matchLength(long match) {
        return match < 0 ? -1 : (int) (match >>> 32);
    }

    /** The value of a packed match ({@link #NO_MATCH} for no match). */
    public static int matchValue(long match) {
        return (int) match;
    }

    /** Longest match for a host address given as a host prefix (/32 or /128). */
    public long match(IpPrefix address) {
        return address.isIpv4()
                ? matchV4(address.ipv4Address())
                : matchV6(address.high(), address.low());
    }

    /** The value stored for exactly {@code prefix}, or {@link #NO_MATCH}. */
    public int get(IpPrefix prefix) {
        return TrieOps.find(root(prefix), prefix.high(), prefix.low(), prefix.length());
    }

    /** A table that maps {@code prefix} to {@code value} (>= 0); this table is unchanged. */
    public PrefixTable with(IpPrefix prefix, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be non-negative, got " + value);
        }
        boolean added = get(prefix) == NO_MATCH;
        Node root =
                TrieOps.insert(
                        root(prefix), 0, prefix.high(), prefix.low(), prefix.length(), value);
        return prefix.isIpv4()
                ? new PrefixTable(root, v6, v4Count + (added ? 1 : 0), v6Count)
                : new PrefixTable(v4, root, v4Count, v6Count + (added ? 1 : 0));
    }

    /** A table without {@code prefix} (this table when absent). */
    public PrefixTable without(IpPrefix prefix) {
        if (get(prefix) == NO_MATCH) {
            return this;
        }
        Node root = TrieOps.remove(root(prefix), 0, prefix.high(), prefix.low(), prefix.length());
        return prefix.isIpv4()
                ? new PrefixTable(root, v6, v4Count - 1, v6Count)
                : new PrefixTable(v4, root, v4Count, v6Count - 1);
    }

    /** Applies every entry of {@code changes} (a null value removes the prefix). */
    public PrefixTable withAll(Map<IpPrefix, Integer> changes) {
        PrefixTable table = this;
        for (Map.Entry<IpPrefix, Integer> change : changes.entrySet()) {
            table =
                    change.getValue() == null
                            ? table.without(change.getKey())
                            : table.with(change.getKey(), change.getValue());
        }
        return table;
    }

    private Node root(IpPrefix prefix) {
        return prefix.isIpv4() ? v4 : v6;
    }

    public int size() {
        return v4Count + v6Count;
    }

    public int size(IpFamily family) {
        return family == IpFamily.IPV4 ? v4Count : v6Count;
    }

    /**
     * The read-optimized form of this table for the data path ({@link CompiledPrefixTable}): O(n
     * log n), values must be at most {@link CompiledPrefixTable#MAX_VALUE}.
     */
    public CompiledPrefixTable compile() {
        long[][] v4Keys = sortedKeys(v4, v4Count);
        long[][] v6Keys = sortedKeys(v6, v6Count);
        return new CompiledPrefixTable(
                Ipv4ImageCompiler.compile(
                        column(v4Keys, 0), lengths(v4Keys), values(v4Keys), v4Count),
                Ipv6ImageCompiler.compile(
                        column(v6Keys, 0),
                        column(v6Keys, 1),
                        lengths(v6Keys),
                        values(v6Keys),
                        v6Count));
    }

    /** The entries as {high, low, length << 32 | value}, sorted by (address, length). */
    private static long[][] sortedKeys(Node root, int count) {
        long[][] keys = new long[count][];
        int[] at = {0};
        TrieOps.forEach(
                root,
                0,
                0,
                0,
                (high, low, length, value) ->
                        keys[at[0]++] = new long[] {high, low, ((long) length << 32) | value});
        Arrays.sort(
                keys,
                (a, b) -> {
                    int c = Long.compareUnsigned(a[0], b[0]);
                    if (c == 0) {
                        c = Long.compareUnsigned(a[1], b[1]);
                    }
                    return c != 0 ? c : Long.compare(a[2] >>> 32, b[2] >>> 32);
                });
        return keys;
    }

    private static long[] column(long[][] keys, int index) {
        long[] column = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            column[i] = keys[i][index];
        }
        return column;
    }

    private static int[] lengths(long[][] keys) {
        int[] lengths = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            lengths[i] = (int) (keys[i][2] >>> 32);
        }
        return lengths;
    }

    private static int[] values(long[][] keys) {
        int[] values = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            values[i] = (int) keys[i][2];
            if (values[i] < 0 || values[i] > CompiledPrefixTable.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "value "
                                + values[i]
                                + " cannot be compiled (maximum "
                                + CompiledPrefixTable.MAX_VALUE
                                + ")");
            }
        }
        return values;
    }

    /** Receives the table's entries. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(IpPrefix prefix, int value);
    }

    /** Visits every entry, IPv4 first; order within a family is the trie's, not sorted. */
    public void forEach(EntryConsumer consumer) {
        TrieOps.forEach(
                v4,
                0,
                0,
                0,
                (high, low, length, value) ->
                        consumer.accept(IpPrefix.ipv4((int) (high >>> 32), length), value));
        TrieOps.forEach(
                v6,
                0,
                0,
                0,
                (high, low, length, value) ->
                        consumer.accept(IpPrefix.ipv6(high, low, length), value));
    }

    /** Every entry as a map (for tests, diffs and status output). */
    public Map<IpPrefix, Integer> toMap() {
        Map<IpPrefix, Integer> map = new HashMap<>(size() * 2);
        forEach(map::put);
        return map;
    }

    /** Shape of the trie, for metrics and benchmarks. */
    public record Shape(int nodes, int leaves, int fringes, int skips, int nodePrefixes) {}

    public Shape shape() {
        int[] counts = new int[5];
        countShape(v4, counts);
        countShape(v6, counts);
        return new Shape(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    private static void countShape(Node node, int[] counts) {
        counts[0]++;
        counts[4] += node.values.length;
        for (Object child : node.children) {
            if (child instanceof Node next) {
                countShape(next, counts);
            } else if (child instanceof Leaf) {
                counts[1]++;
            } else if (child instanceof Skip skip) {
                counts[3]++;
                countShape(skip.node, counts);
            } else {
                counts[2]++;
            }
        }
    }

    /**
     * Collects prefixes and builds a table in one pass. Adding a prefix twice keeps the last value.
     * Not thread-safe; reusable after {@link #build()}.
     */
    public static final class Builder {
        private final Map<IpPrefix, Integer> entries = new HashMap<>();

        private Builder() {}

        public Builder put(IpPrefix prefix, int value) {
            if (value < 0) {
                throw new IllegalArgumentException("values must be non-negative, got " + value);
            }
            entries.put(prefix, value);
            return this;
        }

        public Builder putAll(Map<IpPrefix, Integer> map) {
            map.forEach(this::put);
            return this;
        }

        public Builder remove(IpPrefix prefix) {
            entries.remove(prefix);
            return this;
        }

        public int size() {
            return entries.size();
        }

        public PrefixTable build() {
            List<IpPrefix> v4 = new ArrayList<>();
            List<IpPrefix> v6 = new ArrayList<>();
            for (IpPrefix prefix : entries.keySet()) {
                (prefix.isIpv4() ? v4 : v6).add(prefix);
            }
            return new PrefixTable(buildFamily(v4), buildFamily(v6), v4.size(), v6.size());
        }

        private Node buildFamily(List<IpPrefix> prefixes) {
            if (prefixes.isEmpty()) {
                return Node.EMPTY;
            }
            IpPrefix[] sorted = prefixes.toArray(IpPrefix[]::new);
            Arrays.sort(sorted);
            int n = sorted.length;
            long[] highs = new long[n];
            long[] lows = new long[n];
            int[] lengths = new int[n];
            int[] values = new int[n];
            for (int i = 0; i < n; i++) {
                highs[i] = sorted[i].high();
                lows[i] = sorted[i].low();
                lengths[i] = sorted[i].length();
                values[i] = entries.get(sorted[i]);
            }
            return new SortedBuild(highs, lows, lengths, values).node(0, n, 0);
        }
    }

    /** Bottom-up construction from entries sorted by (address, length). */
    private record SortedBuild(long[] highs, long[] lows, int[] lengths, int[] values) {
        /** The node at {@code depth} for entries [from, to), which share the path above it. */
        Node node(int from, int to, int depth) {
            long[] bits = new long[8];
            long[] indexed = new long[to - from];
            int prefixCount = 0;
            List<Object> children = new ArrayList<>();
            int i = from;
            while (i < to) {
                int relative = lengths[i] - (depth << 3);
                int octet = TrieOps.octet(highs[i], lows[i], depth);
                if (relative < 8) {
                    int index = ArtIndex.index(octet, relative);
                    bits[4 + (index >>> 6)] |= 1L << index;
                    indexed[prefixCount++] = ((long) index << 32) | values[i];
                    i++;
                    continue;
                }
                int end = i + 1;
                while (end < to
                        && lengths[end] - (depth << 3) >= 8
                        && TrieOps.octet(highs[end], lows[end], depth) == octet) {
                    end++;
                }
                bits[octet >>> 6] |= 1L << octet;
                children.add(child(i, end, depth, relative));
                i = end;
            }
            Arrays.sort(indexed, 0, prefixCount);
            int[] nodeValues = prefixCount == 0 ? Node.NO_VALUES : new int[prefixCount];
            for (int k = 0; k < prefixCount; k++) {
                nodeValues[k] = (int) indexed[k];
            }
            return new Node(
                    bits, nodeValues, children.isEmpty() ? Node.NO_CHILDREN : children.toArray());
        }

        private Object child(int from, int to, int depth, int firstRelative) {
            if (to - from == 1) {
                return firstRelative == 8
                        ? Fringe.of(values[from])
                        : new Leaf(highs[from], lows[from], lengths[from], values[from]);
            }
            return TrieOps.canonical(node(from, to, depth + 1), depth + 1, highs[from], lows[from]);
        }
    }
}

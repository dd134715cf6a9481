package dev.sluice.routing.trie;

import dev.sluice.routing.IpFamily;

/**
 * The read-optimized form of a {@link PrefixTable} that the data path looks up: per family a
 * direct-pointing top level, then leaf-pushed, run-length-compressed 6-bit nodes in the style of
 * Poptrie ({@link Ipv4LookupImage}; {@link Ipv6LookupImage} adds path compression for sparse IPv6
 * tables). A lookup is the top entry, then per stride one node record and, at the end, one leaf,
 * with little branching on the loaded data, so the CPU can overlap the misses of consecutive
 * lookups.
 *
 * <p>Matches are packed as {@code length << 22 | value}, -1 for none.
 *
 * <p>Contracts: lookups allocate nothing and never throw; values are below 2^22. Immutable and
 * thread-safe; rebuilt by {@link PrefixTable#compile()} in O(n log n), never updated in place.
 */
public final class CompiledPrefixTable {
    /** Values in a compiled table must be below this bound (they share a word with the length). */
    public static final int MAX_VALUE = (1 << 22) - 1;

    private final Ipv4LookupImage v4;
    private final Ipv6LookupImage v6;

    CompiledPrefixTable(Ipv4LookupImage v4, Ipv6LookupImage v6) {
        this.v4 = v4;
        this.v6 = v6;
    }

    public int size() {
        return v4.count + v6.count;
    }

    public int size(IpFamily family) {
        return family == IpFamily.IPV4 ? v4.count : v6.count;
    }

    /** Value of the longest prefix containing the IPv4 address, or {@link PrefixTable#NO_MATCH}. */
    public int lookupV4(int address) {
        int match = matchV4(address);
        return match < 0 ? PrefixTable.NO_MATCH : match & MAX_VALUE;
    }

    /** Value of the longest prefix containing the IPv6 address, or {@link PrefixTable#NO_MATCH}. */
    public int lookupV6(long high, long low) {
        int match = matchV6(high, low);
        return match < 0 ? PrefixTable.NO_MATCH : match & MAX_VALUE;
    }

    /** The matched prefix length of a packed match, or -1. */
    public static int matchLength(int match) {
        return match < 0 ? -1 : match >>> 22;
    }

    /** The value of a packed match, or {@link PrefixTable#NO_MATCH}. */
    public static int matchValue(int match) {
        return match < 0 ? PrefixTable.NO_MATCH : match & MAX_VALUE;
    }

    static int pack(int length, int value) {
        return (length << 22) | value;
    }

    /** Longest match for an IPv4 address: {@code length << 22 | value}, or -1. */
    public int matchV4(int address) {
        return v4.match(address);
    }

    /** Longest match for an IPv6 address: {@code length << 22 | value}, or -1. */
    public int matchV6(long high, long low) {
        return v6.match(high, low);
    }
}

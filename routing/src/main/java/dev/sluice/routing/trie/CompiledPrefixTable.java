package dev.sluice.routing.trie;

import dev.sluice.routing.IpFamily;

/**
 * The read-optimized form of a {@link PrefixTable} that the data path looks up. IPv4 is an {@link
 * Ipv4LookupImage} (direct pointing over 18 or 12 bits, then leaf-pushed 6-bit nodes). IPv6, below:
 * a direct-indexed top level over the first {@code k} address bits ({@code k} = 16 for large
 * tables, 8 for small ones), then 8-bit-stride nodes laid out contiguously in one {@code long[]},
 * with path compression (skips) for the long sparse paths IPv6 tables have.
 *
 * <pre>
 *   top[2 * 2^k]   long  interleaved per slot s, so one cache line serves both:
 *                        top[2s]     longest prefix of length <= k covering s: length << 22 | value,
 *                                    or -1
 *                        top[2s + 1] the subtree below bit k (slot encoding below), 0 = none
 *   nodes[]        long  node: [0..3] child set, [4] rank bases (child low 32, prefix high 32),
 *                        [5] child count | prefix count << 16, [6..6+C) child slots,
 *                        then, if prefixes: [4 words] prefix set (ART indices), values 2 per word
 *   far[]          long  IPv6 leaves and skips: high, low, length << 32 | value (or depth << 32 | node)
 *
 *   slot = payload << 2 | tag   tag 0 node (payload = offset in nodes), 1 fringe (payload = value),
 *                               2 leaf, 3 skip (payload = index into far, 3 words each)
 * </pre>
 *
 * <p>An IPv6 lookup is one load pair at the top, then per stride a header load and a slot load in
 * one contiguous node, so at most 14 strides of dependent loads follow the top.
 *
 * <p>Node offset 0 is never used, so a zero slot means "no subtree". Matches are packed as {@code
 * length << 22 | value}.
 *
 * <p>Contracts: lookups allocate nothing and never throw; values are below 2^22. Immutable and
 * thread-safe; rebuilt by {@link PrefixTable#compile()} in O(n log n), never updated in place.
 */
public final class CompiledPrefixTable {
    /** Values in a compiled table must be below this bound (they share a word with the length). */
    public static final int MAX_VALUE = (1 << 22) - 1;

    static final int TAG_NODE = 0;
    static final int TAG_FRINGE = 1;
    static final int TAG_LEAF = 2;
    static final int TAG_SKIP = 3;

    /** Node header words before the child slots. */
    static final int HEADER = 6;

    private static final long[] ANCESTORS_0_TO_5 = new long[256];

    static {
        for (int octet = 0; octet < 256; octet++) {
            for (int relativeLength = 0; relativeLength <= 5; relativeLength++) {
                ANCESTORS_0_TO_5[octet] |= 1L << ArtIndex.index(octet, relativeLength);
            }
        }
    }

    /** The IPv6 image (a plain class, not a record: tools like JOL measure its fields). */
    static final class Image {
        final int topBits;
        final long[] top;
        final long[] nodes;
        final long[] far;
        final int count;

        Image(int topBits, long[] top, long[] nodes, long[] far, int count) {
            this.topBits = topBits;
            this.top = top;
            this.nodes = nodes;
            this.far = far;
            this.count = count;
        }
    }

    private final Ipv4LookupImage v4;
    private final Image v6;

    CompiledPrefixTable(Ipv4LookupImage v4, Image v6) {
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
        Image image = v6;
        int slotIndex = (int) (high >>> (64 - image.topBits)) << 1;
        long[] top = image.top;
        int best = (int) top[slotIndex];
        long slot = top[slotIndex + 1];
        long[] nodes = image.nodes;
        long[] far = image.far;
        int depth = image.topBits >>> 3;
        while (true) {
            int tag = (int) slot & 3;
            int offset;
            if (tag == TAG_NODE) {
                if (slot == 0) {
                    return best;
                }
                offset = (int) (slot >>> 2);
            } else if (tag == TAG_FRINGE) {
                return pack(depth << 3, (int) (slot >>> 2));
            } else if (tag == TAG_LEAF) {
                int at = (int) (slot >>> 2) * 3;
                long packed = far[at + 2];
                int length = (int) (packed >>> 32);
                return covers(far[at], far[at + 1], length, high, low)
                        ? pack(length, (int) packed)
                        : best;
            } else {
                int at = (int) (slot >>> 2) * 3;
                long packed = far[at + 2];
                int targetDepth = (int) (packed >>> 32);
                if (!covers(far[at], far[at + 1], targetDepth << 3, high, low)) {
                    return best;
                }
                offset = (int) packed;
                depth = targetDepth;
            }
            int octet =
                    depth < 8
                            ? (int) (high >>> (56 - (depth << 3))) & 0xff
                            : (int) (low >>> (120 - (depth << 3))) & 0xff;
            long meta = nodes[offset + 5];
            if (meta > 0xffff) {
                int match = longestInNode(nodes, offset, meta, octet, depth);
                if (match >= 0) {
                    best = match;
                }
            }
            int word = octet >>> 6;
            long bits = nodes[offset + word];
            if ((bits >>> octet & 1) == 0) {
                return best;
            }
            int rank =
                    ((int) (nodes[offset + 4] >>> (word << 3)) & 0xff)
                            + Long.bitCount(bits & ((1L << octet) - 1));
            slot = nodes[offset + HEADER + rank];
            depth++;
        }
    }

    /** True when the top {@code length} bits of the address equal the prefix's. */
    private static boolean covers(
            long prefixHigh, long prefixLow, int length, long high, long low) {
        if (length <= 64) {
            return ((high ^ prefixHigh) & topBits(length)) == 0;
        }
        return high == prefixHigh && ((low ^ prefixLow) & topBits(length - 64)) == 0;
    }

    /**
     * A mask of the top {@code bits} (0..64) bits; Java masks shift distances, hence the 64 case.
     */
    private static long topBits(int bits) {
        return bits >= 64 ? -1L : ~(-1L >>> bits);
    }

    /** Longest prefix stored in the node containing {@code octet}: length << 22 | value, or -1. */
    private static int longestInNode(long[] nodes, int offset, long meta, int octet, int depth) {
        int prefixes = offset + HEADER + (int) (meta & 0xffff);
        int index;
        if ((nodes[prefixes + 2 + (octet >>> 7)] >>> (octet >>> 1) & 1) != 0) {
            index = 128 + (octet >>> 1);
        } else if ((nodes[prefixes + 1] >>> (octet >>> 2) & 1) != 0) {
            index = 64 + (octet >>> 2);
        } else {
            index = 63 - Long.numberOfLeadingZeros(nodes[prefixes] & ANCESTORS_0_TO_5[octet]);
            if (index <= 0) {
                return -1;
            }
        }
        int word = index >>> 6;
        int rank =
                ((int) (nodes[offset + 4] >>> (32 + (word << 3))) & 0xff)
                        + Long.bitCount(nodes[prefixes + word] & ((1L << index) - 1));
        int value = (int) (nodes[prefixes + 4 + (rank >>> 1)] >>> ((rank & 1) << 5));
        return pack((depth << 3) + ArtIndex.relativeLength(index), value);
    }
}

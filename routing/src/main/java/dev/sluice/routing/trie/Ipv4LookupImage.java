package dev.sluice.routing.trie;

/**
 * The IPv4 half of a {@link CompiledPrefixTable}, laid out for lookups with few dependent loads and
 * few data-dependent branches, in the style of Poptrie (Asai and Ohara, SIGCOMM 2015): a
 * direct-pointing top level over the first {@code k} bits, then 6-bit-stride nodes whose leaves are
 * pushed down (every leaf holds the longest match for its whole range) and run-length compressed.
 *
 * <pre>
 *   top[2^k]        int   &gt;= 0: a leaf, match + 1 (0 = no prefix covers the slot)
 *                         &lt;  0: an internal node, index = entry &amp; 0x7fffffff
 *   nodes[3 * i]    long  vector:  bit c set when child c (6 address bits) is an internal node
 *   nodes[3 * i+1]  long  leafvec: bit c set where a run of equal leaves starts among the others
 *   nodes[3 * i+2]  long  leafBase &lt;&lt; 32 | childBase
 *   leaves[]        int   match + 1, or 0
 *
 *   child node of c  = childBase + popcount(vector &amp; (2^c - 1))
 *   leaf of c        = leaves[leafBase + popcount(leafvec &amp; (2^(c+1) - 1)) - 1]
 * </pre>
 *
 * <p>The children of a node are contiguous, so one base serves all of them. {@code k} is 12, 16 or
 * 18 by table size ({@link TopLevelWidth}); with 18 a /24 is resolved by the top level, one node
 * and one leaf. The last stride holds the remaining 2 or 4 bits, each repeated 16 or 4 times (free,
 * thanks to run-length compression). A match is {@code length << 22 | value}, as elsewhere in
 * {@link CompiledPrefixTable}.
 *
 * <p>Contracts: lookups allocate nothing and never throw. Immutable.
 */
final class Ipv4LookupImage {
    final int topBits;
    final int[] top;
    final long[] nodes;
    final int[] leaves;
    final int count;

    Ipv4LookupImage(int topBits, int[] top, long[] nodes, int[] leaves, int count) {
        this.topBits = topBits;
        this.top = top;
        this.nodes = nodes;
        this.leaves = leaves;
        this.count = count;
    }

    /** Longest match: {@code length << 22 | value}, or -1. */
    int match(int address) {
        int entry = top[address >>> (32 - topBits)];
        if (entry >= 0) {
            return entry - 1;
        }
        int node = entry & 0x7fffffff;
        int shift = 26 - topBits;
        while (true) {
            int child = shift >= 0 ? (address >>> shift) & 63 : (address << -shift) & 63;
            int at = node * 3;
            long vector = nodes[at];
            long bases = nodes[at + 2];
            long bit = 1L << child;
            if ((vector & bit) == 0) {
                int run = Long.bitCount(nodes[at + 1] & ((bit << 1) - 1)) - 1;
                return leaves[(int) (bases >>> 32) + run] - 1;
            }
            node = (int) bases + Long.bitCount(vector & (bit - 1));
            shift -= 6;
        }
    }
}

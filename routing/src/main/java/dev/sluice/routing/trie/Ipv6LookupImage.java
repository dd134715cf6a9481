package dev.sluice.routing.trie;

/**
 * The IPv6 half of a {@link CompiledPrefixTable}: the layout of {@link Ipv4LookupImage} (direct
 * pointing over the first {@code k} bits, leaf-pushed and run-length-compressed 6-bit nodes) with
 * path compression, because IPv6 tables are sparse: a node may sit several strides below its parent
 * when everything under the parent's child shares those bits, and then carries the path to check
 * and the match to fall back on.
 *
 * <pre>
 *   top[2^k]        int   &gt;= 0: a leaf, match + 1 (0 = none); &lt; 0: node index | 0x80000000
 *   nodes[5 * i]    long  vector:  bit c set when child c is a node
 *   nodes[5 * i+1]  long  leafvec: bit c set where a run of equal leaves starts
 *   nodes[5 * i+2]  long  leafBase &lt;&lt; 32 | childBase
 *   nodes[5 * i+3]  long  0, or for a node below a skipped path: depth &lt;&lt; 32 | (fallback + 1)
 *   nodes[5 * i+4]  long  the path's first 64 bits (its other 64 in paths[i], read only for
 *                         paths longer than 64 bits)
 *   leaves[]        int   match + 1, or 0
 * </pre>
 *
 * <p>A match is {@code length << 22 | value}. Lookups allocate nothing and never throw. Immutable.
 */
final class Ipv6LookupImage {
    /** Words per node record. */
    static final int NODE_WORDS = 5;

    final int topBits;
    final int[] top;
    final long[] nodes;
    final long[] paths;
    final int[] leaves;
    final int count;

    Ipv6LookupImage(int topBits, int[] top, long[] nodes, long[] paths, int[] leaves, int count) {
        this.topBits = topBits;
        this.top = top;
        this.nodes = nodes;
        this.paths = paths;
        this.leaves = leaves;
        this.count = count;
    }

    /** Longest match: {@code length << 22 | value}, or -1. */
    int match(long high, long low) {
        int entry = top[(int) (high >>> (64 - topBits))];
        if (entry >= 0) {
            return entry - 1;
        }
        int node = entry & 0x7fffffff;
        int depth = topBits;
        while (true) {
            int at = node * NODE_WORDS;
            long skip = nodes[at + 3];
            if (skip != 0) {
                int nodeDepth = (int) (skip >>> 32);
                if (((high ^ nodes[at + 4]) & topMask(nodeDepth)) != 0
                        || nodeDepth > 64 && ((low ^ paths[node]) & topMask(nodeDepth - 64)) != 0) {
                    return (int) skip - 1;
                }
                depth = nodeDepth;
            }
            long bit = 1L << sixBits(high, low, depth);
            long vector = nodes[at];
            long bases = nodes[at + 2];
            if ((vector & bit) == 0) {
                int run = Long.bitCount(nodes[at + 1] & ((bit << 1) - 1)) - 1;
                return leaves[(int) (bases >>> 32) + run] - 1;
            }
            node = (int) bases + Long.bitCount(vector & (bit - 1));
            depth += 6;
        }
    }

    /** Address bits [from, from + 6), zero-padded past bit 128. */
    static int sixBits(long high, long low, int from) {
        if (from <= 58) {
            return (int) (high >>> (58 - from)) & 63;
        }
        if (from < 64) {
            int fromLow = from - 58;
            return (int) ((high << fromLow) | (low >>> (64 - fromLow))) & 63;
        }
        int offset = from - 64;
        return offset <= 58
                ? (int) (low >>> (58 - offset)) & 63
                : (int) (low << (offset - 58)) & 63;
    }

    static long topMask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : ~(-1L >>> bits);
    }
}

package dev.sluice.routing.trie;

import java.util.Arrays;

/**
 * Builds the IPv6 {@link CompiledPrefixTable.Image} from entries sorted by (address, length), in
 * one pass: prefixes up to {@code k} bits are expanded into the direct-indexed top level (shorter
 * first, so longer ones override), longer ones are grouped by their top {@code k} bits and emitted
 * as contiguous 8-bit-stride nodes, parents before children.
 *
 * <p>A group whose entries share more than the next stride (their longest common prefix, which for
 * sorted keys is that of the first and last) is reached through a skip instead of a chain of
 * single-child nodes, as in the object trie.
 */
final class ImageCompiler {
    /** Tables at least this large get a 16-bit top level (1 MiB); smaller ones an 8-bit one. */
    static final int WIDE_TOP_THRESHOLD = 16_384;

    private final long[] highs;
    private final long[] lows;
    private final int[] lengths;
    private final int[] values;
    private long[] nodes = new long[1024];
    private int nodesUsed = 1; // offset 0 is reserved: a zero slot means "nothing"
    private long[] far = new long[48];
    private int farUsed;

    private ImageCompiler(long[] highs, long[] lows, int[] lengths, int[] values) {
        this.highs = highs;
        this.lows = lows;
        this.lengths = lengths;
        this.values = values;
    }

    /** Compiles {@code n} sorted IPv6 entries; values must be at most MAX_VALUE. */
    static CompiledPrefixTable.Image compile(
            long[] highs, long[] lows, int[] lengths, int[] values, int n) {
        return new ImageCompiler(highs, lows, lengths, values).run(n);
    }

    private CompiledPrefixTable.Image run(int n) {
        int topBits = n >= WIDE_TOP_THRESHOLD ? 16 : 8;
        long[] top = new long[2 << topBits];
        for (int s = 0; s < top.length; s += 2) {
            top[s] = -1;
        }
        int i = 0;
        while (i < n) {
            int slot = topIndex(i, topBits);
            if (lengths[i] <= topBits) {
                long best = CompiledPrefixTable.pack(lengths[i], values[i]);
                for (int s = slot, end = slot + (1 << (topBits - lengths[i])); s < end; s++) {
                    top[s << 1] = best;
                }
                i++;
                continue;
            }
            int end = i + 1;
            while (end < n && lengths[end] > topBits && topIndex(end, topBits) == slot) {
                end++;
            }
            top[(slot << 1) + 1] = subtree(i, end, topBits >>> 3);
            i = end;
        }
        return new CompiledPrefixTable.Image(
                topBits, top, Arrays.copyOf(nodes, nodesUsed), Arrays.copyOf(far, farUsed), n);
    }

    private int topIndex(int entry, int topBits) {
        return (int) (highs[entry] >>> (64 - topBits));
    }

    private int octet(int entry, int depth) {
        return TrieOps.octet(highs[entry], lows[entry], depth);
    }

    /**
     * The slot for entries [from, to), all longer than {@code 8 * depth} bits and sharing the path
     * above {@code depth}: a leaf for one entry (or a fringe when it ends on the stride boundary),
     * else a node at the first depth where they differ (a skip when that is below {@code depth}).
     */
    private long subtree(int from, int to, int depth) {
        if (to - from == 1) {
            if (lengths[from] == depth << 3) {
                return ((long) values[from] << 2) | CompiledPrefixTable.TAG_FRINGE;
            }
            return leaf(from);
        }
        int shortest = Integer.MAX_VALUE;
        for (int k = from; k < to; k++) {
            shortest = Math.min(shortest, lengths[k]);
        }
        int common = Math.min(shortest, commonPrefix(from, to - 1));
        int target = Math.max(depth, common >>> 3);
        int offset = node(from, to, target);
        if (target == depth) {
            return (long) offset << 2 | CompiledPrefixTable.TAG_NODE;
        }
        return skip(from, target, offset);
    }

    private int commonPrefix(int a, int b) {
        long high = highs[a] ^ highs[b];
        if (high != 0) {
            return Long.numberOfLeadingZeros(high);
        }
        return 64 + Long.numberOfLeadingZeros(lows[a] ^ lows[b]);
    }

    private long leaf(int entry) {
        int index =
                addFar(highs[entry], lows[entry], ((long) lengths[entry] << 32) | values[entry]);
        return ((long) index << 2) | CompiledPrefixTable.TAG_LEAF;
    }

    private long skip(int entry, int targetDepth, int offset) {
        long pathHigh = highs[entry] & mask(targetDepth << 3);
        long pathLow = lows[entry] & mask((targetDepth << 3) - 64);
        int index = addFar(pathHigh, pathLow, ((long) targetDepth << 32) | offset);
        return ((long) index << 2) | CompiledPrefixTable.TAG_SKIP;
    }

    private static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : ~(-1L >>> bits);
    }

    private int addFar(long high, long low, long packed) {
        if (farUsed + 3 > far.length) {
            far = Arrays.copyOf(far, far.length * 2);
        }
        far[farUsed] = high;
        far[farUsed + 1] = low;
        far[farUsed + 2] = packed;
        farUsed += 3;
        return farUsed / 3 - 1;
    }

    /** Emits the node at {@code depth} for entries [from, to) and returns its offset. */
    private int node(int from, int to, int depth) {
        long[] bits = new long[8];
        int[] groupFrom = new int[to - from];
        int[] groupTo = new int[to - from];
        int groups = 0;
        long[] indexed = new long[to - from];
        int prefixCount = 0;
        int i = from;
        while (i < to) {
            int relative = lengths[i] - (depth << 3);
            int octet = octet(i, depth);
            if (relative < 8) {
                int index = ArtIndex.index(octet, relative);
                bits[4 + (index >>> 6)] |= 1L << index;
                indexed[prefixCount++] = ((long) index << 32) | values[i];
                i++;
                continue;
            }
            int end = i + 1;
            while (end < to && lengths[end] - (depth << 3) >= 8 && octet(end, depth) == octet) {
                end++;
            }
            bits[octet >>> 6] |= 1L << octet;
            groupFrom[groups] = i;
            groupTo[groups++] = end;
            i = end;
        }
        int size =
                CompiledPrefixTable.HEADER
                        + groups
                        + (prefixCount == 0 ? 0 : 4 + (prefixCount + 1) / 2);
        int offset = reserve(size);
        for (int w = 0; w < 4; w++) {
            nodes[offset + w] = bits[w];
        }
        nodes[offset + 4] = (bases(bits, 0) & 0xffffffffL) | ((long) bases(bits, 4) << 32);
        nodes[offset + 5] = groups | ((long) prefixCount << 16);
        if (prefixCount > 0) {
            Arrays.sort(indexed, 0, prefixCount);
            int prefixes = offset + CompiledPrefixTable.HEADER + groups;
            for (int w = 0; w < 4; w++) {
                nodes[prefixes + w] = bits[4 + w];
            }
            for (int r = 0; r < prefixCount; r++) {
                nodes[prefixes + 4 + (r >>> 1)] |= (indexed[r] & 0xffffffffL) << ((r & 1) << 5);
            }
        }
        // Children follow their parent; slots are filled as each child's offset is known.
        for (int g = 0; g < groups; g++) {
            long slot = subtree(groupFrom[g], groupTo[g], depth + 1);
            nodes[offset + CompiledPrefixTable.HEADER + g] = slot;
        }
        return offset;
    }

    private static int bases(long[] bits, int first) {
        int b1 = Long.bitCount(bits[first]);
        int b2 = b1 + Long.bitCount(bits[first + 1]);
        int b3 = b2 + Long.bitCount(bits[first + 2]);
        return (b1 << 8) | (b2 << 16) | (b3 << 24);
    }

    private int reserve(int words) {
        if (nodesUsed + words > nodes.length) {
            nodes = Arrays.copyOf(nodes, Math.max(nodes.length * 2, nodesUsed + words));
        }
        int offset = nodesUsed;
        nodesUsed += words;
        return offset;
    }
}

package dev.sluice.routing.trie;

/**
 * Builds an {@link Ipv6LookupImage} from entries sorted by (address, length): per node one sweep
 * over its children with a stack of covering prefixes (leaf pushing, as in {@link
 * Ipv4ImageCompiler}); a child with entries below it becomes a node at the deepest stride boundary
 * that all of them share (path compression), at most {@code (128 - k) / 6} levels down.
 */
final class Ipv6ImageCompiler {
    private final long[] highs;
    private final long[] lows;
    private final int[] lengths;
    private final int[] values;
    private final int[] stackEntry = new int[130];
    private final int[] stackEnd = new int[130];
    private final Sweep[] levels = new Sweep[24];
    private final NodeArena arena = new NodeArena(Ipv6LookupImage.NODE_WORDS);

    private Ipv6ImageCompiler(long[] highs, long[] lows, int[] lengths, int[] values) {
        this.highs = highs;
        this.lows = lows;
        this.lengths = lengths;
        this.values = values;
    }

    /** Compiles {@code n} IPv6 entries sorted by (address, length). */
    static Ipv6LookupImage compile(long[] highs, long[] lows, int[] lengths, int[] values, int n) {
        return new Ipv6ImageCompiler(highs, lows, lengths, values).run(n);
    }

    private Ipv6LookupImage run(int n) {
        int topBits = TopLevelWidth.bitsFor(n);
        int[] top = new int[1 << topBits];
        Sweep sweep = new Sweep(1 << topBits);
        sweep.run(0, n, 0, topBits, -1);
        for (int c = 0; c < sweep.children; c++) {
            if (sweep.from[c] < 0) {
                top[c] = sweep.match[c] + 1;
            }
        }
        for (int c = 0; c < sweep.children; c++) {
            if (sweep.from[c] >= 0) {
                int node = arena.reserveNodes(1);
                top[c] = 0x80000000 | node;
                child(node, sweep.from[c], sweep.to[c], topBits, sweep.match[c], 0);
            }
        }
        return new Ipv6LookupImage(topBits, top, arena.nodes(), arena.spare(), arena.leaves(), n);
    }

    /**
     * Builds node {@code node} for entries [from, to), all longer than {@code childDepth} and under
     * one child at that depth whose covering match is {@code inherited}: at the deepest stride
     * boundary they all share, with the skipped path recorded when that is below {@code
     * childDepth}.
     */
    private void child(int node, int from, int to, int childDepth, int inherited, int level) {
        int shared = Math.min(commonPrefix(from, to - 1), shortest(from, to));
        int depth = childDepth + 6 * ((shared - childDepth) / 6);
        if (depth > childDepth) {
            arena.setWord(node, 3, ((long) depth << 32) | (inherited + 1));
            arena.setWord(node, 4, highs[from] & Ipv6LookupImage.topMask(depth));
            arena.setSpare(node, lows[from] & Ipv6LookupImage.topMask(depth - 64));
        }
        fillNode(node, from, to, depth, inherited, level);
    }

    private void fillNode(int node, int from, int to, int depth, int inherited, int level) {
        if (levels[level] == null) {
            levels[level] = new Sweep(64);
        }
        Sweep sweep = levels[level];
        sweep.run(from, to, depth, 6, inherited);
        int childBase = arena.writeNode(node, sweep.match, sweep.from, 64, 1);
        int next = childBase;
        for (int c = 0; c < 64; c++) {
            if (sweep.from[c] >= 0) {
                child(next++, sweep.from[c], sweep.to[c], depth + 6, sweep.match[c], level + 1);
            }
        }
    }

    private int commonPrefix(int a, int b) {
        long high = highs[a] ^ highs[b];
        if (high != 0) {
            return Long.numberOfLeadingZeros(high);
        }
        return 64 + Long.numberOfLeadingZeros(lows[a] ^ lows[b]);
    }

    private int shortest(int from, int to) {
        int shortest = 128;
        for (int i = from; i < to; i++) {
            shortest = Math.min(shortest, lengths[i]);
        }
        return shortest;
    }

    /** The bits [depth, depth + width) of entry {@code i} (width at most 32), zero-padded. */
    private int bitsAt(int i, int depth, int width) {
        if (width == 6) {
            return Ipv6LookupImage.sixBits(highs[i], lows[i], depth);
        }
        // The top level: depth 0, width k <= 32.
        return (int) (highs[i] >>> (64 - width));
    }

    /**
     * One node's children: for each, the longest match covering all of it and the entries that lie
     * deeper inside it.
     */
    private final class Sweep {
        final int children;
        final int[] match;
        final int[] from;
        final int[] to;

        Sweep(int children) {
            this.children = children;
            this.match = new int[children];
            this.from = new int[children];
            this.to = new int[children];
        }

        /**
         * @param first the first entry inside the node's range
         * @param end the end of those entries
         * @param depth the node's depth in bits
         * @param width bits per child index (6, or k at the top)
         * @param inherited the match covering the whole node, or -1
         */
        void run(int first, int end, int depth, int width, int inherited) {
            int stacked = 0;
            int i = first;
            for (int c = 0; c < children; c++) {
                while (stacked > 0 && stackEnd[stacked - 1] <= c) {
                    stacked--;
                }
                while (i < end && lengths[i] <= depth + width && bitsAt(i, depth, width) == c) {
                    while (stacked > 0 && stackEnd[stacked - 1] <= c) {
                        stacked--;
                    }
                    stackEntry[stacked] = i;
                    stackEnd[stacked++] = c + (1 << (depth + width - lengths[i]));
                    i++;
                }
                match[c] =
                        stacked == 0
                                ? inherited
                                : CompiledPrefixTable.pack(
                                        lengths[stackEntry[stacked - 1]],
                                        values[stackEntry[stacked - 1]]);
                int j = i;
                while (j < end && bitsAt(j, depth, width) == c) {
                    j++;
                }
                from[c] = j > i ? i : -1;
                to[c] = j;
                i = j;
            }
        }
    }
}

package dev.sluice.routing.trie;

/**
 * Builds an {@link Ipv4LookupImage} from entries sorted by (address, length) in one sweep per
 * level, O(n + nodes * 64): a stack of enclosing prefixes gives each leaf its longest match (leaf
 * pushing), and the entries that reach below a child make it an internal node, built after its
 * siblings are reserved so that they stay contiguous.
 */
final class Ipv4ImageCompiler {
    private final long[] addresses;
    private final int[] lengths;
    private final int[] values;
    private final int[] stack;

    /** One sweep per node level, reused: a level's sweep is read while its children are built. */
    private final Sweep[] levels = new Sweep[6];

    private int[] top;
    private final NodeArena arena = new NodeArena(3);

    private Ipv4ImageCompiler(long[] addresses, int[] lengths, int[] values) {
        this.addresses = addresses;
        this.lengths = lengths;
        this.values = values;
        this.stack = new int[33];
    }

    /**
     * Compiles {@code n} IPv4 entries sorted by (address, length); the address is in the top 32
     * bits of {@code highs}.
     */
    static Ipv4LookupImage compile(long[] highs, int[] lengths, int[] values, int n) {
        long[] addresses = new long[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = highs[i] >>> 32;
        }
        return new Ipv4ImageCompiler(addresses, lengths, values).run(n);
    }

    private Ipv4LookupImage run(int n) {
        int topBits = TopLevelWidth.bitsFor(n);
        top = new int[1 << topBits];
        Sweep sweep = new Sweep(1 << topBits);
        sweep.run(0, n, 0, 32 - topBits, -1, 1 << topBits);
        for (int level = 0; level < levels.length; level++) {
            levels[level] = new Sweep(64);
        }
        for (int c = 0; c < sweep.children; c++) {
            if (sweep.internalFrom[c] < 0) {
                top[c] = sweep.match[c] + 1;
            }
        }
        for (int c = 0; c < sweep.children; c++) {
            if (sweep.internalFrom[c] >= 0) {
                int node = arena.reserveNodes(1);
                top[c] = 0x80000000 | node;
                fillNode(
                        node,
                        sweep.internalFrom[c],
                        sweep.internalTo[c],
                        (long) c << (32 - topBits),
                        32 - topBits,
                        sweep.match[c],
                        0);
            }
        }
        return new Ipv4LookupImage(topBits, top, arena.nodes(), arena.leaves(), n);
    }

    /**
     * Fills node {@code node} covering {@code [base, base + 2^spanBits)} from entries [from, to),
     * all inside that range and longer than its prefix; {@code inherited} is the match covering it.
     */
    private void fillNode(
            int node, int from, int to, long base, int spanBits, int inherited, int level) {
        int childSpanBits = spanBits - 6;
        Sweep sweep = levels[level];
        int repeat;
        if (childSpanBits >= 0) {
            sweep.run(from, to, base, childSpanBits, inherited, 64);
            repeat = 1;
        } else {
            // The last stride: 2^spanBits single addresses, each spread over 64 >> spanBits
            // children.
            sweep.run(from, to, base, 0, inherited, 1 << spanBits);
            repeat = 64 >>> spanBits;
        }
        int childBase =
                arena.writeNode(node, sweep.match, sweep.internalFrom, sweep.children, repeat);
        int child = childBase;
        for (int s = 0; s < sweep.children; s++) {
            if (sweep.internalFrom[s] >= 0) {
                fillNode(
                        child++,
                        sweep.internalFrom[s],
                        sweep.internalTo[s],
                        base + ((long) s << childSpanBits),
                        childSpanBits,
                        sweep.match[s],
                        level + 1);
            }
        }
    }

    /**
     * One level of children over a range: for each child, the longest match covering all of it, and
     * the entries that lie deeper inside it (which make it internal).
     */
    private final class Sweep {
        int children;
        final int[] match;
        final int[] internalFrom;
        final int[] internalTo;

        Sweep(int children) {
            this.children = children;
            this.match = new int[children];
            this.internalFrom = new int[children];
            this.internalTo = new int[children];
        }

        /**
         * @param from first entry inside the range
         * @param to end of the entries inside the range
         * @param base the range's first address
         * @param childSpanBits each child covers 2^childSpanBits addresses
         * @param inherited the match covering the whole range, or -1
         * @param count how many children (at most the capacity)
         */
        void run(int from, int to, long base, int childSpanBits, int inherited, int count) {
            children = count;
            int childLength = 32 - childSpanBits;
            int depth = 0;
            int i = from;
            for (int c = 0; c < children; c++) {
                long start = base + ((long) c << childSpanBits);
                long end = start + (1L << childSpanBits);
                while (depth > 0 && endOf(stack[depth - 1]) <= start) {
                    depth--;
                }
                // Entries no longer than a child begin on a child boundary and cover it whole.
                while (i < to && addresses[i] < end && lengths[i] <= childLength) {
                    while (depth > 0 && endOf(stack[depth - 1]) <= addresses[i]) {
                        depth--;
                    }
                    stack[depth++] = i++;
                }
                match[c] =
                        depth == 0
                                ? inherited
                                : CompiledPrefixTable.pack(
                                        lengths[stack[depth - 1]], values[stack[depth - 1]]);
                int j = i;
                while (j < to && addresses[j] < end) {
                    j++;
                }
                internalFrom[c] = j > i ? i : -1;
                internalTo[c] = j;
                i = j;
            }
        }

        private long endOf(int entry) {
            return addresses[entry] + (1L << (32 - lengths[entry]));
        }
    }
}

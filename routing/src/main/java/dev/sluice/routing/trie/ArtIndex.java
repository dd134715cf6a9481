package dev.sluice.routing.trie;

/**
 * Index arithmetic for one 8-bit stride, after Knuth's / ART's complete binary tree: the prefix of
 * relative length {@code r} (0..7) whose bits are the top {@code r} bits of {@code octet} has index
 * {@code (1 << r) | (octet >>> (8 - r))}, in 1..255. Index 1 is the stride's /0; the parent of
 * index {@code i} is {@code i >>> 1}.
 *
 * <p>{@link #ancestors(int)} is a precomputed bit set (four longs per octet, 8 KiB in all) of the
 * indices of every prefix of relative length 0..7 that contains {@code octet}; AND-ing it with a
 * node's prefix set and taking the highest bit gives the node's longest match in O(1).
 */
final class ArtIndex {
    private static final long[] ANCESTORS = new long[256 * 4];

    static {
        for (int octet = 0; octet < 256; octet++) {
            for (int relativeLength = 0; relativeLength < 8; relativeLength++) {
                int index = index(octet, relativeLength);
                ANCESTORS[octet * 4 + (index >>> 6)] |= 1L << index;
            }
        }
    }

    private ArtIndex() {}

    /** Index of the prefix of {@code relativeLength} (0..7) bits taken from {@code octet}. */
    static int index(int octet, int relativeLength) {
        return (1 << relativeLength) | (octet >>> (8 - relativeLength));
    }

    /** Relative length (0..7) of the prefix at {@code index} (1..255). */
    static int relativeLength(int index) {
        return 31 - Integer.numberOfLeadingZeros(index);
    }

    /** The prefix bits of {@code index}, left-aligned in an octet (host bits zero). */
    static int octet(int index) {
        int relativeLength = relativeLength(index);
        return (index - (1 << relativeLength)) << (8 - relativeLength);
    }

    /** Word {@code word} (0..3) of the ancestor set of {@code octet}. */
    static long ancestors(int octet, int word) {
        return ANCESTORS[(octet << 2) | word];
    }
}

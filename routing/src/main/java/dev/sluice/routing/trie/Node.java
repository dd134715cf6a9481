package dev.sluice.routing.trie;

/**
 * One 8-bit stride of the trie, immutable.
 *
 * <pre>
 *   bits[0..3]   child set   bit o (0..255)  = a child for next octet o
 *   bits[4..7]   prefix set  bit i (1..255)  = a prefix of relative length 0..7 at ART index i
 *   childBases   byte q = number of children in child words below q (popcount prefix sums)
 *   prefixBases  byte q = number of prefixes in prefix words below q
 *   values       int[]    one per prefix bit, in bit order
 *   children     Object[] one per child bit, in bit order: Node | Fringe | Leaf | Skip
 * </pre>
 *
 * <p>The layout serves branch-light lookups: a word is picked by {@code octet >>> 6} (no switch), a
 * rank is one byte of the prefix sums plus one popcount (no loop), and the longest prefix within
 * the stride is found with three probes ({@link #longestIndex}). "With" operations return a new
 * node and leave this one untouched.
 */
final class Node {
    static final int[] NO_VALUES = new int[0];
    static final Object[] NO_CHILDREN = new Object[0];
    static final Node EMPTY = new Node(new long[8], NO_VALUES, NO_CHILDREN);

    private static final int PREFIX = 4;

    /**
     * Ancestors of relative length 0..5 (ART indices 1..63, all in prefix word 0) of each octet;
     * lengths 6 and 7 are single bits computed directly.
     */
    private static final long[] ANCESTORS_0_TO_5 = new long[256];

    static {
        for (int octet = 0; octet < 256; octet++) {
            for (int relativeLength = 0; relativeLength <= 5; relativeLength++) {
                ANCESTORS_0_TO_5[octet] |= 1L << ArtIndex.index(octet, relativeLength);
            }
        }
    }

    final long[] bits;
    final int childBases;
    final int prefixBases;

    /** values.length != 0, kept in the node so lookups skip the values array when false. */
    final boolean hasPrefixes;

    final int[] values;
    final Object[] children;

    Node(long[] bits, int[] values, Object[] children) {
        this.bits = bits;
        this.values = values;
        this.children = children;
        this.hasPrefixes = values.length != 0;
        this.childBases = bases(bits, 0);
        this.prefixBases = bases(bits, PREFIX);
    }

    private static int bases(long[] bits, int first) {
        int b1 = Long.bitCount(bits[first]);
        int b2 = b1 + Long.bitCount(bits[first + 1]);
        int b3 = b2 + Long.bitCount(bits[first + 2]);
        return (b1 << 8) | (b2 << 16) | (b3 << 24);
    }

    // ---------------------------------------------------------------- prefix set

    boolean hasPrefix(int index) {
        return (bits[PREFIX + (index >>> 6)] >>> index & 1) != 0;
    }

    int prefixRank(int index) {
        int word = index >>> 6;
        return ((prefixBases >>> (word << 3)) & 0xff)
                + Long.bitCount(bits[PREFIX + word] & ((1L << index) - 1));
    }

    /**
     * ART index (1..255) of the longest prefix in this node containing {@code octet}, or a value
     * below 1 when none does. The length-7 ancestor is index {@code 128 + octet/2}, the length-6
     * one {@code 64 + octet/4}; lengths 0..5 all sit in prefix word 0.
     */
    int longestIndex(int octet) {
        long[] bits = this.bits;
        if ((bits[PREFIX + 2 + (octet >>> 7)] >>> (octet >>> 1) & 1) != 0) {
            return 128 + (octet >>> 1);
        }
        if ((bits[PREFIX + 1] >>> (octet >>> 2) & 1) != 0) {
            return 64 + (octet >>> 2);
        }
        return 63 - Long.numberOfLeadingZeros(bits[PREFIX] & ANCESTORS_0_TO_5[octet]);
    }

    int prefixValue(int index) {
        return values[prefixRank(index)];
    }

    Node withPrefix(int index, int value) {
        int rank = prefixRank(index);
        int[] newValues;
        if (hasPrefix(index)) {
            if (values[rank] == value) {
                return this;
            }
            newValues = values.clone();
        } else {
            newValues = new int[values.length + 1];
            System.arraycopy(values, 0, newValues, 0, rank);
            System.arraycopy(values, rank, newValues, rank + 1, values.length - rank);
        }
        newValues[rank] = value;
        long[] newBits = bits.clone();
        newBits[PREFIX + (index >>> 6)] |= 1L << index;
        return new Node(newBits, newValues, children);
    }

    Node withoutPrefix(int index) {
        if (!hasPrefix(index)) {
            return this;
        }
        int rank = prefixRank(index);
        int[] newValues = values.length == 1 ? NO_VALUES : new int[values.length - 1];
        System.arraycopy(values, 0, newValues, 0, rank);
        System.arraycopy(values, rank + 1, newValues, rank, values.length - rank - 1);
        long[] newBits = bits.clone();
        newBits[PREFIX + (index >>> 6)] &= ~(1L << index);
        return new Node(newBits, newValues, children);
    }

    // ---------------------------------------------------------------- children

    /** The child for {@code octet}, or null. */
    Object child(int octet) {
        int word = octet >>> 6;
        long bitsOfWord = bits[word];
        if ((bitsOfWord >>> octet & 1) == 0) {
            return null;
        }
        return children[
                ((childBases >>> (word << 3)) & 0xff)
                        + Long.bitCount(bitsOfWord & ((1L << octet) - 1))];
    }

    private int childRank(int octet) {
        int word = octet >>> 6;
        return ((childBases >>> (word << 3)) & 0xff)
                + Long.bitCount(bits[word] & ((1L << octet) - 1));
    }

    private boolean hasChild(int octet) {
        return (bits[octet >>> 6] >>> octet & 1) != 0;
    }

    Node withChild(int octet, Object child) {
        int rank = childRank(octet);
        Object[] newChildren;
        if (hasChild(octet)) {
            if (children[rank] == child) {
                return this;
            }
            newChildren = children.clone();
            newChildren[rank] = child;
            return new Node(bits, values, newChildren);
        }
        newChildren = new Object[children.length + 1];
        System.arraycopy(children, 0, newChildren, 0, rank);
        System.arraycopy(children, rank, newChildren, rank + 1, children.length - rank);
        newChildren[rank] = child;
        long[] newBits = bits.clone();
        newBits[octet >>> 6] |= 1L << octet;
        return new Node(newBits, values, newChildren);
    }

    Node withoutChild(int octet) {
        if (!hasChild(octet)) {
            return this;
        }
        int rank = childRank(octet);
        Object[] newChildren = children.length == 1 ? NO_CHILDREN : new Object[children.length - 1];
        System.arraycopy(children, 0, newChildren, 0, rank);
        System.arraycopy(children, rank + 1, newChildren, rank, children.length - rank - 1);
        long[] newBits = bits.clone();
        newBits[octet >>> 6] &= ~(1L << octet);
        return new Node(newBits, values, newChildren);
    }

    /** Octet of the child at array position {@code rank}. */
    int childOctet(int rank) {
        return nthBit(0, rank);
    }

    /** ART index of the prefix at value position {@code rank}. */
    int prefixIndex(int rank) {
        return nthBit(PREFIX, rank);
    }

    private int nthBit(int first, int rank) {
        int remaining = rank;
        for (int w = 0; w < 4; w++) {
            long word = bits[first + w];
            int count = Long.bitCount(word);
            if (remaining < count) {
                for (int i = 0; i < remaining; i++) {
                    word &= word - 1;
                }
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            remaining -= count;
        }
        throw new IllegalArgumentException("no bit at rank " + rank);
    }
}

package dev.sluice.routing.trie;

/**
 * A path-compressed child: the only prefix in its subtree, stored with its full address instead of
 * a chain of single-entry nodes. A leaf in the child slot of a node at depth {@code d} always has a
 * length greater than {@code 8 * (d + 1)}.
 */
final class Leaf {
    final long high;
    final long low;
    final int length;
    final int value;

    Leaf(long high, long low, int length, int value) {
        this.high = high;
        this.low = low;
        this.length = length;
        this.value = value;
    }

    /** True when the address {@code (addressHigh, addressLow)} lies in this leaf's prefix. */
    boolean contains(long addressHigh, long addressLow) {
        int length = this.length;
        if (length <= 64) {
            return ((addressHigh ^ high) & mask64(length)) == 0;
        }
        return addressHigh == high && ((addressLow ^ low) & mask64(length - 64)) == 0;
    }

    /** True when the IPv4 address (top 32 bits of the high word) lies in this leaf's prefix. */
    boolean containsV4(int address) {
        // Java masks shift distances, so -1 >>> 32 is -1: handle the full length apart.
        int mask = length >= 32 ? -1 : ~(-1 >>> length);
        return ((address ^ (int) (high >>> 32)) & mask) == 0;
    }

    boolean samePrefix(long otherHigh, long otherLow, int otherLength) {
        return otherHigh == high && otherLow == low && otherLength == length;
    }

    /** The top {@code bits} (1..64) bits set. */
    private static long mask64(int bits) {
        return bits >= 64 ? -1L : ~(-1L >>> bits);
    }
}

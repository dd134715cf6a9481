package dev.sluice.routing.trie;

/**
 * A path-compressed interior edge: stands in a child slot for a chain of nodes that hold no
 * prefixes and have one child each, and leads straight to the first node below the chain that
 * branches or holds a prefix. Lookups entering it compare the skipped address bits with {@link
 * #high}/{@link #low} (the target node's full path, host bits zero) before going on.
 *
 * <p>In the slot of a node at depth {@code d}, {@link #depth} is always at least {@code d + 2}.
 */
final class Skip {
    final long high;
    final long low;
    final int depth;
    final Node node;

    Skip(long high, long low, int depth, Node node) {
        this.high = high;
        this.low = low;
        this.depth = depth;
        this.node = node;
    }

    /** True when the top {@code 8 * depth} bits of the address equal the target's path. */
    boolean matches(long addressHigh, long addressLow) {
        int bits = depth << 3;
        if (bits <= 64) {
            return ((addressHigh ^ high) & mask64(bits)) == 0;
        }
        return addressHigh == high && ((addressLow ^ low) & mask64(bits - 64)) == 0;
    }

    /** {@link #matches} for an IPv4 address (targets are at depth 2 or 3, so 16 or 24 bits). */
    boolean matchesV4(int address) {
        return ((address ^ (int) (high >>> 32)) & ~(-1 >>> (depth << 3))) == 0;
    }

    private static long mask64(int bits) {
        return bits >= 64 ? -1L : ~(-1L >>> bits);
    }
}

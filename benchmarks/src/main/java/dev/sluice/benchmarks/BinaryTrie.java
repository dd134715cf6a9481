package dev.sluice.benchmarks;

/**
 * The baseline of {@link PrefixTableBenchmark}: a plain, uncompressed binary trie (one node per
 * bit, longest match remembered on the way down). What a first implementation would be.
 */
final class BinaryTrie {
    private static final class Node {
        Node zero;
        Node one;
        int value = -1;
    }

    private final Node root = new Node();

    void put(long high, long low, int length, int value) {
        Node node = root;
        for (int i = 0; i < length; i++) {
            long bit = i < 64 ? (high >>> (63 - i)) & 1 : (low >>> (127 - i)) & 1;
            if (bit == 0) {
                if (node.zero == null) {
                    node.zero = new Node();
                }
                node = node.zero;
            } else {
                if (node.one == null) {
                    node.one = new Node();
                }
                node = node.one;
            }
        }
        node.value = value;
    }

    int lookup(long high, long low, int bits) {
        Node node = root;
        int best = node.value;
        for (int i = 0; i < bits && node != null; i++) {
            long bit = i < 64 ? (high >>> (63 - i)) & 1 : (low >>> (127 - i)) & 1;
            node = bit == 0 ? node.zero : node.one;
            if (node != null && node.value >= 0) {
                best = node.value;
            }
        }
        return best;
    }
}

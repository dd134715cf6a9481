package dev.sluice.routing.trie;

import java.util.Arrays;

/**
 * Where the compiled-image builders ({@link Ipv4ImageCompiler}, {@link Ipv6ImageCompiler}) put
 * their output: fixed-size node records in one growing {@code long[]}, one spare word per node in
 * another, and the leaves in an {@code int[]}. {@link #writeNode} encodes a node's children the way
 * both lookups read them (vector, leafvec, leafBase &lt;&lt; 32 | childBase).
 */
final class NodeArena {
    private final int wordsPerNode;
    private long[] nodes;
    private long[] spare;
    private int nodesUsed;
    private int[] leaves = new int[256];
    private int leavesUsed;

    NodeArena(int wordsPerNode) {
        this.wordsPerNode = wordsPerNode;
        this.nodes = new long[wordsPerNode * 64];
        this.spare = new long[64];
    }

    /** Reserves {@code count} consecutive zeroed node records; returns the first one's index. */
    int reserveNodes(int count) {
        if (nodesUsed + count > spare.length) {
            int capacity = Math.max(spare.length * 2, nodesUsed + count);
            nodes = Arrays.copyOf(nodes, capacity * wordsPerNode);
            spare = Arrays.copyOf(spare, capacity);
        }
        int first = nodesUsed;
        nodesUsed += count;
        return first;
    }

    /**
     * Writes the first three words of {@code node} for its children: child {@code c} is a node when
     * {@code childFrom[c] >= 0}, else a leaf holding {@code match[c]}; equal neighbouring leaves
     * share one run, marked in leafvec at {@code c * repeat}. Reserves the child nodes (contiguous)
     * and returns the index of the first.
     */
    int writeNode(int node, int[] match, int[] childFrom, int children, int repeat) {
        long vector = 0;
        long leafvec = 0;
        int leafBase = leavesUsed;
        int previous = Integer.MIN_VALUE;
        int internal = 0;
        for (int c = 0; c < children; c++) {
            if (childFrom[c] >= 0) {
                vector |= 1L << c;
                internal++;
                continue;
            }
            int leaf = match[c] + 1;
            if (leaf != previous) {
                leafvec |= 1L << (c * repeat);
                appendLeaf(leaf);
                previous = leaf;
            }
        }
        int childBase = reserveNodes(internal);
        int at = node * wordsPerNode;
        nodes[at] = vector;
        nodes[at + 1] = leafvec;
        nodes[at + 2] = ((long) leafBase << 32) | childBase;
        return childBase;
    }

    /** Sets word {@code word} (3 and up) of a node record. */
    void setWord(int node, int word, long value) {
        nodes[node * wordsPerNode + word] = value;
    }

    /** Sets the spare word of a node. */
    void setSpare(int node, long value) {
        spare[node] = value;
    }

    private void appendLeaf(int leaf) {
        if (leavesUsed == leaves.length) {
            leaves = Arrays.copyOf(leaves, leaves.length * 2);
        }
        leaves[leavesUsed++] = leaf;
    }

    long[] nodes() {
        return Arrays.copyOf(nodes, nodesUsed * wordsPerNode);
    }

    long[] spare() {
        return Arrays.copyOf(spare, nodesUsed);
    }

    int[] leaves() {
        return Arrays.copyOf(leaves, leavesUsed);
    }
}

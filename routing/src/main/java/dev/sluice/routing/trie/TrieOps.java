package dev.sluice.routing.trie;

import dev.sluice.routing.IpPrefix;

/**
 * The algorithms over {@link Node}s: lookup, exact find, persistent insert and remove, and
 * traversal. Keys are 128-bit {@code (high, low)} pairs; IPv4 uses the top 32 bits of {@code high}
 * and {@link #lookupV4} reads its octets from an {@code int} directly.
 *
 * <p>A child slot holds a {@link Node} (the next stride), a {@link Fringe} (a prefix ending on the
 * stride boundary, nothing below), a {@link Leaf} (a lone longer prefix) or a {@link Skip} (a chain
 * of prefix-less single-child nodes compressed away). Updates keep every slot in this canonical
 * smallest form ({@link #canonical}), so a table's shape does not depend on the order of the
 * updates that built it.
 *
 * <p>Lookup results are packed in a long: {@code (prefixLength << 32) | value}, or {@link
 * #NO_MATCH}. Values are non-negative ints.
 */
final class TrieOps {
    static final long NO_MATCH = -1L;

    private TrieOps() {}

    static long pack(int length, int value) {
        return ((long) length << 32) | (value & 0xffffffffL);
    }

    static int octet(long high, long low, int depth) {
        return depth < 8
                ? (int) (high >>> (56 - (depth << 3))) & 0xff
                : (int) (low >>> (120 - (depth << 3))) & 0xff;
    }

    // ------------------------------------------------------------------------------ lookups

    /** Longest match for an IPv4 address; allocation-free, at most 4 node steps. */
    static long lookupV4(Node root, int address) {
        Node node = root;
        long best = NO_MATCH;
        for (int depth = 0; ; depth++) {
            int octet = (address >>> (24 - (depth << 3))) & 0xff;
            if (node.hasPrefixes) {
                int index = node.longestIndex(octet);
                if (index > 0) {
                    best =
                            pack(
                                    (depth << 3) + ArtIndex.relativeLength(index),
                                    node.prefixValue(index));
                }
            }
            Object child = node.child(octet);
            if (child == null) {
                return best;
            }
            if (child instanceof Node next) {
                node = next;
            } else if (child instanceof Fringe fringe) {
                return pack((depth + 1) << 3, fringe.value);
            } else if (child instanceof Leaf leaf) {
                return leaf.containsV4(address) ? pack(leaf.length, leaf.value) : best;
            } else {
                Skip skip = (Skip) child;
                if (!skip.matchesV4(address)) {
                    return best;
                }
                node = skip.node;
                depth = skip.depth - 1;
            }
        }
    }

    /** Longest match for a 128-bit key; allocation-free, at most 16 node steps. */
    static long lookup(Node root, long high, long low) {
        Node node = root;
        long best = NO_MATCH;
        for (int depth = 0; ; depth++) {
            int octet = octet(high, low, depth);
            if (node.hasPrefixes) {
                int index = node.longestIndex(octet);
                if (index > 0) {
                    best =
                            pack(
                                    (depth << 3) + ArtIndex.relativeLength(index),
                                    node.prefixValue(index));
                }
            }
            Object child = node.child(octet);
            if (child == null) {
                return best;
            }
            if (child instanceof Node next) {
                node = next;
            } else if (child instanceof Fringe fringe) {
                return pack((depth + 1) << 3, fringe.value);
            } else if (child instanceof Leaf leaf) {
                return leaf.contains(high, low) ? pack(leaf.length, leaf.value) : best;
            } else {
                Skip skip = (Skip) child;
                if (!skip.matches(high, low)) {
                    return best;
                }
                node = skip.node;
                depth = skip.depth - 1;
            }
        }
    }

    /** Value stored for exactly this prefix, or -1. */
    static int find(Node root, long high, long low, int length) {
        Node node = root;
        for (int depth = 0; ; depth++) {
            int relative = length - (depth << 3);
            int octet = octet(high, low, depth);
            if (relative < 8) {
                int index = ArtIndex.index(octet, relative);
                return node.hasPrefix(index) ? node.prefixValue(index) : -1;
            }
            Object child = node.child(octet);
            if (child instanceof Skip skip) {
                // Skipped strides hold no prefixes.
                if (length < skip.depth << 3 || !skip.matches(high, low)) {
                    return -1;
                }
                node = skip.node;
                depth = skip.depth - 1;
                continue;
            }
            if (child == null) {
                return -1;
            }
            if (relative == 8) {
                if (child instanceof Fringe fringe) {
                    return fringe.value;
                }
                return child instanceof Node next && next.hasPrefix(1) ? next.prefixValue(1) : -1;
            }
            if (child instanceof Node next) {
                node = next;
            } else if (child instanceof Leaf leaf) {
                return leaf.samePrefix(high, low, length) ? leaf.value : -1;
            } else {
                return -1;
            }
        }
    }

    // ------------------------------------------------------------------------------ updates

    /** A new node with {@code value} stored for the prefix; {@code node} is untouched. */
    static Node insert(Node node, int depth, long high, long low, int length, int value) {
        int relative = length - (depth << 3);
        int octet = octet(high, low, depth);
        if (relative < 8) {
            return node.withPrefix(ArtIndex.index(octet, relative), value);
        }
        Object child = explicit(node.child(octet), depth + 1);
        if (relative == 8) {
            if (child == null || child instanceof Fringe) {
                return node.withChild(octet, Fringe.of(value));
            }
            if (child instanceof Node next) {
                return node.withChild(octet, next.withPrefix(1, value));
            }
            Leaf leaf = (Leaf) child;
            Node split = Node.EMPTY.withPrefix(1, value);
            split = insert(split, depth + 1, leaf.high, leaf.low, leaf.length, leaf.value);
            return node.withChild(octet, canonical(split, depth + 1, high, low));
        }
        Node below;
        if (child == null) {
            return node.withChild(octet, new Leaf(high, low, length, value));
        } else if (child instanceof Node next) {
            below = insert(next, depth + 1, high, low, length, value);
        } else if (child instanceof Fringe fringe) {
            below =
                    insert(
                            Node.EMPTY.withPrefix(1, fringe.value),
                            depth + 1,
                            high,
                            low,
                            length,
                            value);
        } else {
            Leaf leaf = (Leaf) child;
            if (leaf.samePrefix(high, low, length)) {
                return leaf.value == value
                        ? node
                        : node.withChild(octet, new Leaf(high, low, length, value));
            }
            below = insert(Node.EMPTY, depth + 1, leaf.high, leaf.low, leaf.length, leaf.value);
            below = insert(below, depth + 1, high, low, length, value);
        }
        return node.withChild(octet, canonical(below, depth + 1, high, low));
    }

    /**
     * A new node without the prefix ({@code node} itself when absent), with the affected slot back
     * in canonical form.
     */
    static Node remove(Node node, int depth, long high, long low, int length) {
        int relative = length - (depth << 3);
        int octet = octet(high, low, depth);
        if (relative < 8) {
            return node.withoutPrefix(ArtIndex.index(octet, relative));
        }
        Object slot = node.child(octet);
        Object child = explicit(slot, depth + 1);
        if (child == null) {
            return node;
        }
        Node below;
        if (relative == 8) {
            if (child instanceof Fringe) {
                return node.withoutChild(octet);
            }
            if (!(child instanceof Node next) || !next.hasPrefix(1)) {
                return node;
            }
            below = next.withoutPrefix(1);
        } else if (child instanceof Node next) {
            below = remove(next, depth + 1, high, low, length);
            if (below == next) {
                return node;
            }
        } else if (child instanceof Leaf leaf && leaf.samePrefix(high, low, length)) {
            return node.withoutChild(octet);
        } else {
            return node;
        }
        Object replacement = canonical(below, depth + 1, high, low);
        return replacement == null ? node.withoutChild(octet) : node.withChild(octet, replacement);
    }

    /**
     * The slot content as seen at {@code depth}: a {@link Skip} becomes an explicit node at that
     * depth with the rest of the skip (or its target) as its only child; other contents are
     * returned as they are.
     */
    private static Object explicit(Object slot, int depth) {
        if (!(slot instanceof Skip skip)) {
            return slot;
        }
        Object rest = skip.depth == depth + 1 ? skip.node : skip;
        return Node.EMPTY.withChild(octet(skip.high, skip.low, depth), rest);
    }

    /**
     * The canonical slot form of {@code node}, a node at {@code depth} that some key {@code (high,
     * low)} passes through (its top {@code 8 * depth} bits are the node's path): null when empty; a
     * fringe for a lone stride /0; a leaf for a lone prefix, a lone leaf or a lone fringe below; a
     * skip for a node with no prefixes whose only child is a node or a skip; else the node itself.
     */
    static Object canonical(Node node, int depth, long high, long low) {
        int prefixes = node.values.length;
        int children = node.children.length;
        if (prefixes + children != 1) {
            return prefixes + children == 0 ? null : node;
        }
        if (prefixes == 1) {
            int index = node.prefixIndex(0);
            if (index == 1) {
                return Fringe.of(node.values[0]);
            }
            int octet = ArtIndex.octet(index);
            return new Leaf(
                    keyHigh(high, depth, octet),
                    keyLow(low, depth, octet),
                    (depth << 3) + ArtIndex.relativeLength(index),
                    node.values[0]);
        }
        Object only = node.children[0];
        if (only instanceof Leaf || only instanceof Skip) {
            return only;
        }
        int octet = node.childOctet(0);
        long pathHigh = keyHigh(high, depth, octet);
        long pathLow = keyLow(low, depth, octet);
        if (only instanceof Fringe fringe) {
            return new Leaf(pathHigh, pathLow, (depth + 1) << 3, fringe.value);
        }
        return new Skip(pathHigh, pathLow, depth + 1, (Node) only);
    }

    /** High word of the key: the top {@code 8 * depth} bits of {@code high}, then {@code octet}. */
    static long keyHigh(long high, int depth, int octet) {
        long path = high & IpPrefix.highMask(depth << 3);
        return depth < 8 ? path | ((long) octet << (56 - (depth << 3))) : path;
    }

    /** Low word of the key: the path bits of {@code low} (if any), then {@code octet}. */
    static long keyLow(long low, int depth, int octet) {
        long path = low & IpPrefix.lowMask(depth << 3);
        return depth < 8 ? 0 : path | ((long) octet << (120 - (depth << 3)));
    }

    // ------------------------------------------------------------------------------ traversal

    /** Receives entries from {@link #forEach}. */
    interface EntryVisitor {
        void visit(long high, long low, int length, int value);
    }

    /** Visits every stored prefix under {@code node} (at {@code depth}, path {@code high/low}). */
    static void forEach(Node node, int depth, long high, long low, EntryVisitor visitor) {
        for (int rank = 0; rank < node.values.length; rank++) {
            int index = node.prefixIndex(rank);
            int octet = ArtIndex.octet(index);
            visitor.visit(
                    keyHigh(high, depth, octet),
                    keyLow(low, depth, octet),
                    (depth << 3) + ArtIndex.relativeLength(index),
                    node.values[rank]);
        }
        for (int rank = 0; rank < node.children.length; rank++) {
            int octet = node.childOctet(rank);
            long childHigh = keyHigh(high, depth, octet);
            long childLow = keyLow(low, depth, octet);
            Object child = node.children[rank];
            if (child instanceof Node next) {
                forEach(next, depth + 1, childHigh, childLow, visitor);
            } else if (child instanceof Fringe fringe) {
                visitor.visit(childHigh, childLow, (depth + 1) << 3, fringe.value);
            } else if (child instanceof Leaf leaf) {
                visitor.visit(leaf.high, leaf.low, leaf.length, leaf.value);
            } else {
                Skip skip = (Skip) child;
                forEach(skip.node, skip.depth, skip.high, skip.low, visitor);
            }
        }
    }
}

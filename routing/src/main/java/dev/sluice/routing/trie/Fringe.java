package dev.sluice.routing.trie;

/**
 * A child slot holding a prefix that ends exactly at the next stride boundary (relative length 8)
 * and has nothing more specific below it: it stands for the whole subtree. Instances for small
 * values are shared, so fringes cost no memory per prefix.
 */
final class Fringe {
    private static final Fringe[] SHARED = new Fringe[4096];

    static {
        for (int i = 0; i < SHARED.length; i++) {
            SHARED[i] = new Fringe(i);
        }
    }

    final int value;

    private Fringe(int value) {
        this.value = value;
    }

    static Fringe of(int value) {
        return value >= 0 && value < SHARED.length ? SHARED[value] : new Fringe(value);
    }
}

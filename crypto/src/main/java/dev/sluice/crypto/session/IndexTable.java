package dev.sluice.crypto.session;

import java.security.SecureRandom;

/**
 * Receiver index to owner (a handshake or a keypair's tunnel): random 32-bit indices (whitepaper
 * section 5.4.2), unique among the live ones.
 *
 * <p>Copy-on-write open addressing: {@link #lookup} reads one volatile snapshot without locks,
 * boxing or allocation; {@link #allocate} and {@link #remove} (a few per handshake) copy it under a
 * lock.
 */
public final class IndexTable {
    private static final int EMPTY = 0;

    /** Keys (0 = empty; index 0 is never allocated) and owners, power-of-two sized. */
    private record Snapshot(int[] keys, Object[] owners, int size) {}

    private volatile Snapshot snapshot = new Snapshot(new int[16], new Object[16], 0);
    private final SecureRandom random;

    public IndexTable(SecureRandom random) {
        this.random = random;
    }

    /** The owner of {@code index}, or null. */
    public Object lookup(int index) {
        Snapshot s = snapshot;
        int mask = s.keys().length - 1;
        for (int slot = mix(index) & mask; ; slot = (slot + 1) & mask) {
            int key = s.keys()[slot];
            if (key == index && index != EMPTY) {
                return s.owners()[slot];
            }
            if (key == EMPTY) {
                return null;
            }
        }
    }

    /** A fresh random index now owned by {@code owner}. */
    public synchronized int allocate(Object owner) {
        int index;
        do {
            index = random.nextInt();
        } while (index == EMPTY || lookup(index) != null);
        put(index, owner);
        return index;
    }

    /** Gives the live {@code index} a new owner. */
    public synchronized void replace(int index, Object owner) {
        Snapshot s = snapshot;
        int mask = s.keys().length - 1;
        int[] keys = s.keys().clone();
        Object[] owners = s.owners().clone();
        for (int slot = mix(index) & mask; keys[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == index) {
                owners[slot] = owner;
                snapshot = new Snapshot(keys, owners, s.size());
                return;
            }
        }
        throw new IllegalArgumentException("index " + index + " is not live");
    }

    /** Frees {@code index} (no effect when absent). */
    public synchronized void remove(int index) {
        Snapshot s = snapshot;
        if (lookup(index) == null) {
            return;
        }
        Snapshot rebuilt = new Snapshot(new int[s.keys().length], new Object[s.keys().length], 0);
        for (int i = 0; i < s.keys().length; i++) {
            if (s.keys()[i] != EMPTY && s.keys()[i] != index) {
                rebuilt = insert(rebuilt, s.keys()[i], s.owners()[i]);
            }
        }
        snapshot = rebuilt;
    }

    /** Number of live indices. */
    public int size() {
        return snapshot.size();
    }

    private void put(int index, Object owner) {
        Snapshot s = snapshot;
        int capacity = s.keys().length;
        if ((s.size() + 1) * 2 > capacity) {
            capacity *= 2;
        }
        Snapshot copy = new Snapshot(new int[capacity], new Object[capacity], 0);
        for (int i = 0; i < s.keys().length; i++) {
            if (s.keys()[i] != EMPTY) {
                copy = insert(copy, s.keys()[i], s.owners()[i]);
            }
        }
        snapshot = insert(copy, index, owner);
    }

    private static Snapshot insert(Snapshot s, int index, Object owner) {
        int mask = s.keys().length - 1;
        int slot = mix(index) & mask;
        while (s.keys()[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        s.keys()[slot] = index;
        s.owners()[slot] = owner;
        return new Snapshot(s.keys(), s.owners(), s.size() + 1);
    }

    private static int mix(int index) {
        return index * 0x9e3779b9;
    }
}

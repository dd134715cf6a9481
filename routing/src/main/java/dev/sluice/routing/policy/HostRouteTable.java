package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import java.util.Map;

/**
 * An immutable exact-match table from host addresses (/32, /128) to non-negative int values, for
 * the routes learned from DNS answers that the data path checks before the static table: open
 * addressing with linear probing, at most half full.
 *
 * <p>Why not the trie: learned routes change with every DNS answer, and compiling a trie costs O(n)
 * for the whole static table; this table is rebuilt from the learned routes alone in O(k) (k ≤
 * 8,192: under a millisecond, see LearnedOverlayBenchmark), so a flood of answers costs linear
 * time, not quadratic.
 *
 * <p>Lookups: no allocation, no exceptions, a probe sequence of expected length below 2; an empty
 * table answers without touching memory beyond its size field. Thread-safe (immutable).
 */
public final class HostRouteTable {
    public static final HostRouteTable EMPTY = new HostRouteTable(Map.of());

    private static final int EMPTY_SLOT = -1;

    private final int v4Count;
    private final int v6Count;
    private final int v4Mask;
    private final int[] v4Keys;
    private final int[] v4Values;
    private final int v6Mask;
    private final long[] v6Keys;
    private final int[] v6Values;

    /**
     * @param routes host prefix to value (values must be non-negative); other lengths are refused
     */
    public HostRouteTable(Map<IpPrefix, Integer> routes) {
        int v4 = 0;
        int v6 = 0;
        for (Map.Entry<IpPrefix, Integer> route : routes.entrySet()) {
            IpPrefix prefix = route.getKey();
            if (prefix.length() != (prefix.isIpv4() ? 32 : 128) || route.getValue() < 0) {
                throw new IllegalArgumentException("not a host route: " + route);
            }
            if (prefix.isIpv4()) {
                v4++;
            } else {
                v6++;
            }
        }
        v4Count = v4;
        v6Count = v6;
        int v4Slots = slots(v4);
        int v6Slots = slots(v6);
        v4Mask = v4Slots - 1;
        v6Mask = v6Slots - 1;
        v4Keys = new int[v4Slots];
        v4Values = filled(v4Slots);
        v6Keys = new long[2 * v6Slots];
        v6Values = filled(v6Slots);
        for (Map.Entry<IpPrefix, Integer> route : routes.entrySet()) {
            IpPrefix prefix = route.getKey();
            if (prefix.isIpv4()) {
                int slot = hashV4(prefix.ipv4Address()) & v4Mask;
                while (v4Values[slot] != EMPTY_SLOT) {
                    slot = (slot + 1) & v4Mask;
                }
                v4Keys[slot] = prefix.ipv4Address();
                v4Values[slot] = route.getValue();
            } else {
                int slot = hashV6(prefix.high(), prefix.low()) & v6Mask;
                while (v6Values[slot] != EMPTY_SLOT) {
                    slot = (slot + 1) & v6Mask;
                }
                v6Keys[2 * slot] = prefix.high();
                v6Keys[2 * slot + 1] = prefix.low();
                v6Values[slot] = route.getValue();
            }
        }
    }

    private static int slots(int count) {
        return Math.max(4, Integer.highestOneBit(Math.max(1, count) * 2 - 1) << 1);
    }

    private static int[] filled(int slots) {
        int[] values = new int[slots];
        java.util.Arrays.fill(values, EMPTY_SLOT);
        return values;
    }

    private static int hashV4(int address) {
        return (address * 0x9E3779B9) ^ (address >>> 16);
    }

    private static int hashV6(long high, long low) {
        long mixed = (high ^ Long.rotateLeft(low, 29)) * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32));
    }

    /** Number of routes. */
    public int size() {
        return v4Count + v6Count;
    }

    /** The value for exactly this IPv4 address, or {@link PrefixTable#NO_MATCH}. */
    public int lookupV4(int address) {
        if (v4Count == 0) {
            return PrefixTable.NO_MATCH;
        }
        int slot = hashV4(address) & v4Mask;
        while (true) {
            int value = v4Values[slot];
            if (value == EMPTY_SLOT || v4Keys[slot] == address) {
                return value;
            }
            slot = (slot + 1) & v4Mask;
        }
    }

    /** The value for exactly this IPv6 address, or {@link PrefixTable#NO_MATCH}. */
    public int lookupV6(long high, long low) {
        if (v6Count == 0) {
            return PrefixTable.NO_MATCH;
        }
        int slot = hashV6(high, low) & v6Mask;
        while (true) {
            int value = v6Values[slot];
            if (value == EMPTY_SLOT || (v6Keys[2 * slot] == high && v6Keys[2 * slot + 1] == low)) {
                return value;
            }
            slot = (slot + 1) & v6Mask;
        }
    }

    /** The value for a host prefix of either family, or {@link PrefixTable#NO_MATCH}. */
    public int lookup(IpPrefix host) {
        return host.isIpv4() ? lookupV4(host.ipv4Address()) : lookupV6(host.high(), host.low());
    }
}

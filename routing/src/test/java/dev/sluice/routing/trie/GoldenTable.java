package dev.sluice.routing.trie;

import dev.sluice.routing.IpPrefix;
import java.util.HashMap;
import java.util.Map;

/**
 * The obviously correct reference: for an address, try every length from the longest down and
 * return the first exact hit. Slow (up to 129 hash lookups) and simple.
 */
final class GoldenTable {
    private final Map<IpPrefix, Integer> entries = new HashMap<>();

    void put(IpPrefix prefix, int value) {
        entries.put(prefix, value);
    }

    void remove(IpPrefix prefix) {
        entries.remove(prefix);
    }

    Map<IpPrefix, Integer> entries() {
        return entries;
    }

    /** {@code (length << 32) | value} of the longest match, or -1. */
    long match(boolean ipv6, long high, long low) {
        for (int length = ipv6 ? 128 : 32; length >= 0; length--) {
            IpPrefix candidate =
                    ipv6
                            ? IpPrefix.ipv6Containing(high, low, length)
                            : IpPrefix.ipv4Containing((int) (high >>> 32), length);
            Integer value = entries.get(candidate);
            if (value != null) {
                return ((long) length << 32) | value;
            }
        }
        return -1;
    }
}

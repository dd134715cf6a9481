package dev.sluice.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded random IPv4 and IPv6 prefixes with a routing-table-like length mix and nesting, as raw
 * {@code (high, low, length)} triples (IPv4 in the top 32 bits of {@code high}, host bits clear).
 * The same seed always gives the same list.
 *
 * <p>Length mix: IPv4 mostly /24 with /8../32 around it; IPv6 mostly /48 and /32../64 with a few
 * longer. A fifth of the prefixes extend an earlier one, so nested prefixes are common.
 */
public final class RandomPrefixes {
    /** One generated prefix. */
    public record Raw(boolean ipv6, long high, long low, int length) {}

    private static final int[] V4_LENGTHS = {
        24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 23, 22, 22, 21, 20, 19, 18, 17, 16, 16, 15,
        14, 12, 8, 25, 26, 27, 28, 29, 30, 32
    };
    private static final int[] V6_LENGTHS = {
        48, 48, 48, 48, 48, 48, 48, 48, 48, 32, 32, 29, 36, 40, 44, 44, 46, 47, 52, 56, 56, 60, 64,
        64, 64, 96, 112, 128
    };

    private RandomPrefixes() {}

    public static List<Raw> ipv4(long seed, int count) {
        return generate(new Random(seed), count, false);
    }

    public static List<Raw> ipv6(long seed, int count) {
        return generate(new Random(seed), count, true);
    }

    private static List<Raw> generate(Random random, int count, boolean ipv6) {
        List<Raw> prefixes = new ArrayList<>(count);
        Set<Raw> seen = new HashSet<>(count * 2);
        int[] lengths = ipv6 ? V6_LENGTHS : V4_LENGTHS;
        int bits = ipv6 ? 128 : 32;
        while (prefixes.size() < count) {
            Raw prefix;
            if (!prefixes.isEmpty() && random.nextInt(5) == 0) {
                Raw parent = prefixes.get(random.nextInt(prefixes.size()));
                if (parent.length() >= bits) {
                    continue;
                }
                int length =
                        parent.length() + 1 + random.nextInt(Math.min(16, bits - parent.length()));
                prefix =
                        masked(
                                ipv6,
                                parent.high() | (random.nextLong() & ~mask(parent.length(), true)),
                                parent.low() | (random.nextLong() & ~mask(parent.length(), false)),
                                length);
            } else {
                int length = lengths[random.nextInt(lengths.length)];
                long high = random.nextLong();
                if (ipv6) {
                    // Keep IPv6 in 2000::/3 and fc00::/7 like real tables.
                    high =
                            random.nextBoolean()
                                    ? (high & 0x1fffffffffffffffL) | 0x2000000000000000L
                                    : (high & 0x01ffffffffffffffL) | 0xfc00000000000000L;
                } else {
                    high &= 0xffffffff00000000L;
                }
                prefix = masked(ipv6, high, random.nextLong(), length);
            }
            if (seen.add(prefix)) {
                prefixes.add(prefix);
            }
        }
        return prefixes;
    }

    private static Raw masked(boolean ipv6, long high, long low, int length) {
        long h = high & mask(length, true);
        long l = ipv6 ? low & mask(length, false) : 0;
        if (!ipv6) {
            h &= 0xffffffff00000000L;
        }
        return new Raw(ipv6, h, l, length);
    }

    /** Top-{@code length} mask of the high (or low) word of a 128-bit key. */
    private static long mask(int length, boolean highWord) {
        int bits = highWord ? length : length - 64;
        if (bits <= 0) {
            return 0;
        }
        return bits >= 64 ? -1L : ~(-1L >>> bits);
    }

    /** Addresses for lookups: random ones, and ones inside (at the edges of) the prefixes. */
    public static long[][] addresses(long seed, List<Raw> prefixes, int count, boolean ipv6) {
        Random random = new Random(seed);
        long[][] addresses = new long[count][2];
        for (int i = 0; i < count; i++) {
            long high;
            long low;
            int kind = random.nextInt(4);
            if (kind == 0 || prefixes.isEmpty()) {
                high = random.nextLong();
                low = ipv6 ? random.nextLong() : 0;
            } else {
                Raw p = prefixes.get(random.nextInt(prefixes.size()));
                long fillHigh = kind == 1 ? 0 : kind == 2 ? -1L : random.nextLong();
                long fillLow = kind == 1 ? 0 : kind == 2 ? -1L : random.nextLong();
                high = p.high() | (fillHigh & ~mask(p.length(), true));
                low = ipv6 ? p.low() | (fillLow & ~mask(p.length(), false)) : 0;
            }
            if (!ipv6) {
                high &= 0xffffffff00000000L;
            }
            addresses[i][0] = high;
            addresses[i][1] = low;
        }
        return addresses;
    }
}

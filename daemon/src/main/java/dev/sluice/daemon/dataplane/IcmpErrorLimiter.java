package dev.sluice.daemon.dataplane;

import dev.sluice.packet.ParsedPacket;

/**
 * Limits the ICMP errors the outbound pipeline writes back for dropped packets, so that a flood of
 * packets to dropped prefixes (with spoofed sources, from a LAN host routing through this one)
 * cannot turn Sluice into a reflector: RFC 4443 section 2.4(f) (and RFC 1812 section 4.3.2.8 for
 * IPv4) ask for exactly this. The values are Linux's defaults:
 *
 * <ul>
 *   <li>per destination of the error (the offending packet's source): a token bucket of {@link
 *       #PER_DESTINATION_BURST} errors refilled with one every {@link #PER_DESTINATION_INTERVAL_NS}
 *       ({@code net.ipv4.icmp_ratelimit} and {@code net.ipv6.icmp.ratelimit} = 1000 ms, {@code
 *       XRLIM_BURST_FACTOR} = 6 in {@code net/ipv4/icmp.c});
 *   <li>for all destinations together: {@link #GLOBAL_BURST} errors refilled at 1000 a second
 *       ({@code net.ipv4.icmp_msgs_per_sec} = 1000, {@code net.ipv4.icmp_msgs_burst} = 50).
 * </ul>
 *
 * As in Linux since 6.11, the global bucket is only looked at first and charged last: an error the
 * per-destination bucket refuses costs no global token, so one flooded destination cannot use up
 * everyone's budget by itself.
 *
 * <p>Each bucket is one number, its theoretical arrival time (GCRA, the generic cell rate
 * algorithm): an error may go when that time is at most {@code (burst - 1) * interval} ahead of
 * now, and sending one moves it {@code interval} on (from now, if it lay in the past). A bucket
 * whose time lies in the past is full, so an idle slot holds nothing worth keeping.
 *
 * <p>Destinations live in a fixed table of {@link #SLOTS} slots. Each address has two candidate
 * slots from a hash keyed with a secret seed (so an outsider cannot aim at a slot); it uses the one
 * it already owns, else claims an idle one, else evicts the owner whose bucket is fuller (less
 * busy) and starts with a full bucket. Hence no source, however much it floods, can keep another
 * from getting errors: it holds at most one slot, and a newcomer always gets a bucket. The price is
 * that an evicted destination can get a fresh burst sooner than its bucket allowed; only the global
 * bucket bounds the total, and it always does.
 *
 * <p>One thread (the outbound agent's); allocation-free; time is passed in ({@code nowNs}, any
 * monotonic origin, as {@link System#nanoTime()}).
 */
final class IcmpErrorLimiter {
    /** One error per destination per second once its burst is spent (Linux: 1000 ms). */
    static final long PER_DESTINATION_INTERVAL_NS = 1_000_000_000L;

    /** Errors a destination may get at once (Linux: XRLIM_BURST_FACTOR). */
    static final int PER_DESTINATION_BURST = 6;

    /** 1000 errors a second for all destinations together (Linux: icmp_msgs_per_sec). */
    static final long GLOBAL_INTERVAL_NS = 1_000_000L;

    /** Errors all destinations together may get at once (Linux: icmp_msgs_burst). */
    static final int GLOBAL_BURST = 50;

    /** Destinations tracked at once (three longs each: 96 KiB). */
    static final int SLOTS = 4096;

    private static final int MASK = SLOTS - 1;
    private static final long PER_DESTINATION_SLACK_NS =
            (PER_DESTINATION_BURST - 1) * PER_DESTINATION_INTERVAL_NS;
    private static final long GLOBAL_SLACK_NS = (GLOBAL_BURST - 1) * GLOBAL_INTERVAL_NS;

    /** IPv4 addresses are kept as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
    private static final long V4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    /** A slot nobody owns: its time lies before any now, so it is idle. */
    private static final long EMPTY = Long.MIN_VALUE;

    private final long seed;
    private final long[] ownerHigh = new long[SLOTS];
    private final long[] ownerLow = new long[SLOTS];
    private final long[] arrivalNs = new long[SLOTS];
    private long globalArrivalNs = EMPTY;

    /**
     * @param seed keys the slot hash; keep it secret (take it from a {@link
     *     java.security.SecureRandom}) so that nobody can pick addresses that share slots
     */
    IcmpErrorLimiter(long seed) {
        this.seed = seed;
        java.util.Arrays.fill(arrivalNs, EMPTY);
    }

    /** Whether an error about {@code offending} may go to its source now; if so, it is charged. */
    boolean allow(ParsedPacket offending, long nowNs) {
        return offending.isIpv4()
                ? allow(0, V4_MAPPED_PREFIX | (offending.sourceV4() & 0xffff_ffffL), nowNs)
                : allow(offending.sourceHigh(), offending.sourceLow(), nowNs);
    }

    /** Whether an error may go to the IPv6 address {@code high:low} now; if so, it is charged. */
    boolean allow(long high, long low, long nowNs) {
        if (Math.max(globalArrivalNs, nowNs) - nowNs > GLOBAL_SLACK_NS) {
            return false;
        }
        int slot = slotFor(high, low, nowNs);
        long base = Math.max(arrivalNs[slot], nowNs);
        if (base - nowNs > PER_DESTINATION_SLACK_NS) {
            return false;
        }
        arrivalNs[slot] = base + PER_DESTINATION_INTERVAL_NS;
        globalArrivalNs = Math.max(globalArrivalNs, nowNs) + GLOBAL_INTERVAL_NS;
        return true;
    }

    /** The slot {@code high:low} owns, after claiming or taking one if it owned none. */
    private int slotFor(long high, long low, long nowNs) {
        long hash = hash(high, low);
        int first = firstSlot(hash);
        int second = secondSlot(hash);
        if (owns(first, high, low)) {
            return first;
        }
        if (owns(second, high, low)) {
            return second;
        }
        int slot;
        if (arrivalNs[first] <= nowNs) {
            slot = first;
        } else if (arrivalNs[second] <= nowNs) {
            slot = second;
        } else {
            slot = arrivalNs[first] <= arrivalNs[second] ? first : second;
        }
        ownerHigh[slot] = high;
        ownerLow[slot] = low;
        arrivalNs[slot] = EMPTY;
        return slot;
    }

    private boolean owns(int slot, long high, long low) {
        return arrivalNs[slot] != EMPTY && ownerHigh[slot] == high && ownerLow[slot] == low;
    }

    /** The two candidate slots of an address, for tests that need addresses sharing one. */
    int[] candidateSlots(long high, long low) {
        long hash = hash(high, low);
        return new int[] {firstSlot(hash), secondSlot(hash)};
    }

    private static int firstSlot(long hash) {
        return (int) hash & MASK;
    }

    private static int secondSlot(long hash) {
        int first = (int) hash & MASK;
        int second = (int) (hash >>> 32) & MASK;
        return second == first ? first ^ 1 : second;
    }

    private long hash(long high, long low) {
        return mix(mix(seed ^ high) ^ low);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(long value) {
        long x = value;
        x ^= x >>> 33;
        x *= 0xff51_afd7_ed55_8ccdL;
        x ^= x >>> 33;
        x *= 0xc4ce_b9fe_1a85_ec53L;
        x ^= x >>> 33;
        return x;
    }
}

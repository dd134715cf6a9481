package dev.sluice.crypto.primitives;

import java.nio.ByteBuffer;

/**
 * TAI64N timestamps (cr.yp.to/libtai/tai64.html) as WireGuard sends them in handshake initiations:
 * 8 bytes big-endian seconds offset by 2^62 (plus the 10 s TAI-UTC offset of the label's epoch),
 * then 4 bytes big-endian nanoseconds. Nanoseconds are rounded down to 2^24 ns (about 16.8 ms) as
 * wireguard-go does, so a timestamp does not reveal the clock precisely. Larger timestamps compare
 * greater byte by byte.
 */
public final class Tai64n {
    public static final int LENGTH = 12;

    /** TAI64 label of the Unix epoch: 2^62 + 10. */
    static final long BASE = 0x400000000000000aL;

    private static final int WHITENER_MASK = (1 << 24) - 1;

    private Tai64n() {}

    /** The timestamp of wall-clock time {@code epochNs} (nanoseconds since the Unix epoch). */
    public static byte[] of(long epochNs) {
        long seconds = Math.floorDiv(epochNs, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNs, 1_000_000_000L) & ~WHITENER_MASK;
        return ByteBuffer.allocate(LENGTH).putLong(BASE + seconds).putInt(nanos).array();
    }

    /** True when {@code a} is strictly later than {@code b} (byte-wise, unsigned). */
    public static boolean isAfter(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b) > 0;
    }
}

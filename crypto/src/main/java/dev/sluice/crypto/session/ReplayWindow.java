package dev.sluice.crypto.session;

/**
 * The anti-replay window of WireGuard (whitepaper section 5.4.6, after RFC 6479): a ring of 128
 * 64-bit blocks, so the last 8128 counters below the greatest accepted one are remembered, as in
 * the Linux kernel and wireguard-go. A counter is accepted once; counters older than the window or
 * at/above {@link #REJECT_AFTER_MESSAGES} never are.
 *
 * <p>Use {@link #mayAccept} before decrypting (no state change, so forgeries cannot move the
 * window) and {@link #accept} after the packet authenticated. Allocation-free; one thread.
 */
public final class ReplayWindow {
    /** REJECT_AFTER_MESSAGES = 2^64 - 2^13 - 1 (as an unsigned 64-bit value). */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;

    private static final int BLOCKS = 128;
    private static final int BLOCK_MASK = BLOCKS - 1;

    /** Counters this far below the greatest accepted one are still tracked. */
    public static final long WINDOW = (BLOCKS - 1) * 64L;

    private final long[] bitmap = new long[BLOCKS];
    private long greatest;
    private boolean empty = true;

    /** True when {@code counter} is neither replayed, too old nor too large (no state change). */
    public boolean mayAccept(long counter) {
        if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
            return false;
        }
        if (empty || Long.compareUnsigned(counter, greatest) > 0) {
            return true;
        }
        if (greatest - counter >= WINDOW) {
            return false;
        }
        return (bitmap[(int) (counter >>> 6) & BLOCK_MASK] & (1L << counter)) == 0;
    }

    /** Records {@code counter}; false when it must be dropped (same rules as mayAccept). */
    public boolean accept(long counter) {
        if (!mayAccept(counter)) {
            return false;
        }
        long block = counter >>> 6;
        if (empty) {
            empty = false;
            greatest = counter;
        } else if (Long.compareUnsigned(counter, greatest) > 0) {
            long current = greatest >>> 6;
            long advance = Math.min(block - current, BLOCKS);
            for (long i = 1; i <= advance; i++) {
                bitmap[(int) (current + i) & BLOCK_MASK] = 0;
            }
            greatest = counter;
        }
        bitmap[(int) block & BLOCK_MASK] |= 1L << counter;
        return true;
    }
}

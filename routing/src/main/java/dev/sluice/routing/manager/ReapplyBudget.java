package dev.sluice.routing.manager;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How often a route monitor may put back entries another program removed before it stops fighting
 * that program: at most {@link #MAX_REAPPLIES} re-applies within any {@link #WINDOW_NS}. One
 * monitor thread uses it (not thread-safe).
 */
public final class ReapplyBudget {
    /** Re-applies allowed within {@link #WINDOW_NS}. */
    public static final int MAX_REAPPLIES = 5;

    /** The sliding window, in nanoseconds. */
    public static final long WINDOW_NS = 60_000_000_000L;

    private final Deque<Long> reapplyTimesNs = new ArrayDeque<>();

    /**
     * Takes one re-apply at {@code nowNs} (monotonic) and returns true, or returns false and takes
     * nothing when {@link #MAX_REAPPLIES} were taken within the last {@link #WINDOW_NS}.
     */
    public boolean take(long nowNs) {
        while (!reapplyTimesNs.isEmpty() && nowNs - reapplyTimesNs.peekFirst() > WINDOW_NS) {
            reapplyTimesNs.removeFirst();
        }
        if (reapplyTimesNs.size() >= MAX_REAPPLIES) {
            return false;
        }
        reapplyTimesNs.addLast(nowNs);
        return true;
    }

    /** The limit in words, for messages: "5 times within 60 s". */
    public static String limit() {
        return MAX_REAPPLIES + " times within " + WINDOW_NS / 1_000_000_000L + " s";
    }
}

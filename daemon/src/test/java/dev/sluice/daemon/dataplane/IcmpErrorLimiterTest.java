package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The ICMP error rate limit with an injected clock: burst, refill, independent destinations, the
 * global cap, and addresses sharing slots.
 */
class IcmpErrorLimiterTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long V4 = 0x0000_ffff_0000_0000L;

    /** Any origin works, negative ones too (System.nanoTime may be negative). */
    private long nowNs = -5 * SECOND;

    private final IcmpErrorLimiter limiter = new IcmpErrorLimiter(0x5eed);

    private static long v4(int a, int b, int c, int d) {
        return V4 | ((long) a << 24 | b << 16 | c << 8 | d);
    }

    private int allowedOf(long low, int attempts) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.allow(0, low, nowNs)) {
                allowed++;
            }
        }
        return allowed;
    }

    @Test
    void shouldAllowTheBurstThenRefuseWhenOneDestinationAsksAtOnce() {
        assertThat(allowedOf(v4(10, 66, 0, 2), 100))
                .isEqualTo(IcmpErrorLimiter.PER_DESTINATION_BURST)
                .isEqualTo(6);
    }

    @Test
    void shouldRefillOneErrorPerSecondWhenTimePasses() {
        long source = v4(10, 66, 0, 2);
        allowedOf(source, 6);
        nowNs += 999 * MS;
        assertThat(allowedOf(source, 10)).as("not yet a second").isZero();
        nowNs += MS;
        assertThat(allowedOf(source, 10)).as("one token a second").isEqualTo(1);
        nowNs += 3 * SECOND;
        assertThat(allowedOf(source, 10)).isEqualTo(3);
        nowNs += 60 * SECOND;
        assertThat(allowedOf(source, 10)).as("never more than the burst").isEqualTo(6);
    }

    @Test
    void shouldKeepDestinationsIndependentWhenOneHasUsedItsBurst() {
        assertThat(allowedOf(v4(10, 66, 0, 2), 50)).isEqualTo(6);
        assertThat(allowedOf(v4(10, 66, 0, 3), 50)).isEqualTo(6);
        assertThat(limiter.allow(0xfd66_0000_0000_0000L, 2, nowNs))
                .as("an IPv6 source of its own")
                .isTrue();
    }

    @Test
    void shouldCapAllDestinationsTogetherWhenManyAskAtOnce() {
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.allow(0, v4(192, 0, i >> 8, i & 0xff), nowNs)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(IcmpErrorLimiter.GLOBAL_BURST).isEqualTo(50);

        nowNs += 10 * MS;
        allowed = 0;
        for (int i = 1000; i < 2000; i++) {
            if (limiter.allow(0, v4(192, 0, i >> 8, i & 0xff), nowNs)) {
                allowed++;
            }
        }
        assertThat(allowed).as("1000 a second: 10 in 10 ms").isEqualTo(10);
    }

    @Test
    void shouldNotChargeTheGlobalBucketWhenADestinationIsRefused() {
        assertThat(allowedOf(v4(10, 66, 0, 2), 10_000)).isEqualTo(6);
        int others = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.allow(0, v4(192, 0, 2, i), nowNs)) {
                others++;
            }
        }
        assertThat(others)
                .as("the flooded destination took its 6 of the 50, no more")
                .isEqualTo(IcmpErrorLimiter.GLOBAL_BURST - 6);
    }

    @Test
    void shouldStillAnswerASourceWhenAFloodingSourceHoldsOneOfItsSlots() {
        long victim = v4(10, 66, 0, 3);
        int[] victimSlots = limiter.candidateSlots(0, victim);
        long flooder = addressWhoseFirstSlotIs(victimSlots[0], victim);

        for (int second = 0; second < 30; second++) {
            for (int ms = 0; ms < 1000; ms += 10) {
                limiter.allow(0, flooder, nowNs + ms * MS);
            }
            nowNs += SECOND;
            assertThat(limiter.allow(0, victim, nowNs))
                    .as("second %d: the victim is answered", second)
                    .isTrue();
        }
    }

    @Test
    void shouldStillAnswerASourceWhenFloodingSourcesHoldBothOfItsSlots() {
        long victim = v4(10, 66, 0, 3);
        int[] victimSlots = limiter.candidateSlots(0, victim);
        long first = addressWhoseFirstSlotIs(victimSlots[0], victim);
        long second = addressWhoseFirstSlotIs(victimSlots[1], victim);

        int victimAnswers = 0;
        int flooderAnswers = 0;
        for (int round = 0; round < 30; round++) {
            for (int ms = 0; ms < 1000; ms += 10) {
                long at = nowNs + ms * MS;
                flooderAnswers += limiter.allow(0, first, at) ? 1 : 0;
                flooderAnswers += limiter.allow(0, second, at) ? 1 : 0;
            }
            nowNs += SECOND;
            victimAnswers += limiter.allow(0, victim, nowNs) ? 1 : 0;
        }
        assertThat(victimAnswers).as("no starvation: answered every time").isEqualTo(30);
        assertThat(flooderAnswers)
                .as(
                        "the flooders stay limited: their bursts, one a second, and a new burst"
                                + " after each eviction at most")
                .isLessThanOrEqualTo(2 * 6 + 2 * 30 + 30 * 6);
    }

    /** A source other than {@code not} whose first candidate slot is {@code slot}. */
    private long addressWhoseFirstSlotIs(int slot, long not) {
        for (int i = 0; i < 1 << 24; i++) {
            long candidate = v4(172, 16 + (i >> 16), (i >> 8) & 0xff, i & 0xff);
            if (candidate != not && limiter.candidateSlots(0, candidate)[0] == slot) {
                return candidate;
            }
        }
        throw new AssertionError("no address maps to slot " + slot);
    }
}

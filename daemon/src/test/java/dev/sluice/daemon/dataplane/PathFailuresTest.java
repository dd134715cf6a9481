package dev.sluice.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counting, throttled logging and the failed verdict of one data path, with injected time. */
class PathFailuresTest {
    private static final long MS = 1_000_000L;

    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final List<String> reasons = new ArrayList<>();
    private final List<String> logLines = new ArrayList<>();
    private final List<Throwable> logged = new ArrayList<>();
    private final PathFailures failures =
            new PathFailures(
                    "outbound",
                    Counter.OUTBOUND_ERRORS,
                    counters,
                    reasons::add,
                    (message, error) -> {
                        logLines.add(message);
                        if (error != null) {
                            logged.add(error);
                        }
                    });

    @Test
    void shouldCountEveryFailureButLogOnlyTheFirstWhenTheyComeInAFlood() {
        IllegalStateException first = new IllegalStateException("bug in stage");
        failures.failed(first, 0);
        for (int i = 1; i < 10_000; i++) {
            failures.failed(new IllegalStateException("again"), i * 100L);
            failures.succeeded();
        }
        assertThat(counters.get(Counter.OUTBOUND_ERRORS)).isEqualTo(10_000);
        assertThat(logLines).singleElement().asString().contains("bug in stage");
        assertThat(logged).as("the first with its stack trace").containsExactly(first);
        assertThat(reasons).as("packets got through in between").isEmpty();
    }

    @Test
    void shouldLogASummaryLinePerIntervalWhenFailuresGoOn() {
        long nowNs = 0;
        for (int i = 0; i < 300; i++) {
            failures.failed(
                    new OutOfMemoryError("Cannot reserve 2048 bytes of direct memory"), nowNs);
            failures.succeeded();
            nowNs += 100 * MS;
        }
        // 30 s of failures: the first line, then one every 10 s.
        assertThat(logLines).hasSize(3);
        assertThat(logLines.get(1)).contains("100 more error(s) in the last 10 s", "direct memory");
        assertThat(reasons).isEmpty();
    }

    @Test
    void shouldSurviveABurstShorterThanTheLimitWhenPacketsGetThroughAfter() {
        for (int i = 0; i < 1000; i++) {
            assertThat(failures.failed(new RuntimeException("burst"), i * MS)).isFalse();
        }
        failures.succeeded();
        assertThat(failures.failed(new RuntimeException("later"), 5_000 * MS)).isFalse();
        assertThat(reasons).isEmpty();
    }

    @Test
    void shouldDeclareThePathFailedOnceWhenNothingGetsThroughForLong() {
        long nowNs = 0;
        boolean declared = false;
        int calls = 0;
        while (!declared) {
            declared = failures.failed("reading from sluice0 failed with errno 5", nowNs);
            nowNs += 300 * MS;
            calls++;
        }
        assertThat(calls).as("10 errors and 2 s").isEqualTo(10);
        assertThat(reasons)
                .singleElement()
                .asString()
                .startsWith("outbound data path failed: 10 errors in a row over 2700 ms")
                .endsWith("last: reading from sluice0 failed with errno 5");
        assertThat(failures.failed(new RuntimeException("still"), nowNs)).isTrue();
        assertThat(reasons).as("declared once").hasSize(1);
    }

    @Test
    void shouldNotDeclareWhenManyErrorsComeWithinAMoment() {
        for (int i = 0; i < 100_000; i++) {
            failures.failed(new RuntimeException("fast"), i);
        }
        assertThat(failures.declared()).as("100k errors within 0.1 ms").isFalse();
    }
}

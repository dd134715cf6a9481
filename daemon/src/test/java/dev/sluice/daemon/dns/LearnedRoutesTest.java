package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.LearnedRoute;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.SplitMode;
import dev.sluice.routing.policy.SplitPolicy;
import dev.sluice.routing.policy.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LearnedRoutesTest {
    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
    private final AtomicInteger changes = new AtomicInteger();
    private final DnsCounters counters = new DnsCounters();
    private final LearnedRoutes routes = routes(LearnedRoutes.MAX_ROUTES_PER_VERDICT);

    private LearnedRoutes routes(int maxPerVerdict) {
        return new LearnedRoutes(
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                maxPerVerdict,
                nowNs::get,
                Scheduler.disabledScheduler(),
                Runnable::run,
                counters,
                changes::incrementAndGet);
    }

    private static DnsResponse.Answer a(String address, long ttl) {
        return new DnsResponse.Answer(
                "app.corp.example", ttl, IpPrefix.parseAddress(address), null);
    }

    private void advance(Duration duration) {
        nowNs.addAndGet(duration.toNanos());
        routes.expireNow();
    }

    @Test
    void aLearnedAddressShouldLiveForItsTtlClampedToFloorAndCeiling() {
        assertThat(routes.clamp(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(routes.clamp(600)).isEqualTo(Duration.ofSeconds(600));
        assertThat(routes.clamp(86_400)).isEqualTo(Duration.ofHours(1));

        routes.learn(List.of(a("10.60.32.77", 120)), Verdict.TUNNEL, "corp.example", "app");
        assertThat(changes).hasValue(1);
        assertThat(routes.entries())
                .containsExactly(
                        new LearnedRoutes.Entry(
                                IpPrefix.parseAddress("10.60.32.77"),
                                Verdict.TUNNEL,
                                "corp.example",
                                "app",
                                120,
                                null));
        advance(Duration.ofSeconds(119));
        assertThat(routes.routes()).hasSize(1);
        assertThat(routes.entries().getFirst().expiresInSeconds()).isEqualTo(1);
        advance(Duration.ofSeconds(1));
        assertThat(routes.routes()).isEmpty();
        assertThat(changes).as("expiry publishes a new table").hasValue(2);
    }

    @Test
    void aRepeatedAnswerShouldRenewTheLifeWithoutRepublishingUnlessTheVerdictChanges() {
        routes.learn(List.of(a("10.60.32.77", 60)), Verdict.TUNNEL, "corp.example", "app");
        advance(Duration.ofSeconds(50));
        routes.learn(List.of(a("10.60.32.77", 60)), Verdict.TUNNEL, "corp.example", "app");
        assertThat(changes).hasValue(1);
        advance(Duration.ofSeconds(50));
        assertThat(routes.routes()).as("renewed at 50 s").hasSize(1);
        routes.learn(List.of(a("10.60.32.77", 60)), Verdict.BYPASS, "zoom.us", "edge");
        assertThat(changes).hasValue(2);
        assertThat(routes.routes())
                .containsExactly(
                        new LearnedRoute(IpPrefix.parseAddress("10.60.32.77"), Verdict.BYPASS));
    }

    @Test
    void clearingShouldForgetEverythingWithoutAnnouncingIt() {
        routes.learn(List.of(a("10.60.32.77", 60)), Verdict.TUNNEL, "corp.example", "app");
        routes.clear();
        advance(Duration.ofSeconds(61));
        assertThat(routes.routes()).isEmpty();
        assertThat(changes).as("only the learning announced a change").hasValue(1);
    }

    @Test
    void theForwardingTableShouldTunnelALearnedAddressUntilItExpiresThenBypassIt() {
        CompiledPolicy policy =
                PolicyCompiler.compile(
                        new SplitPolicy(
                                SplitMode.INCLUDE,
                                List.of(IpPrefix.parse("10.60.0.0/24")),
                                List.of(),
                                List.of(List.of(IpPrefix.parse("10.0.0.0/8"))),
                                LocalNetworks.BYPASS,
                                List.of(),
                                List.of(),
                                List.of()));
        IpPrefix address = IpPrefix.parseAddress("10.60.32.10");
        routes.learn(List.of(a("10.60.32.10", 45)), Verdict.TUNNEL, "corp.example", "app");
        LearnedOverlay live = LearnedOverlay.build(policy, routes.routes());
        assertThat(live.classify(policy, address).verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(live.classify(policy, address).peerIndex()).isZero();

        advance(Duration.ofSeconds(46));
        LearnedOverlay expired = LearnedOverlay.build(policy, routes.routes());
        assertThat(expired.classify(policy, address).verdict()).isEqualTo(Verdict.BYPASS);
    }

    @Test
    void aRefusedAnswerShouldBeCountedLoggedOnceAndChangeNothing() {
        List<String> logged = new ArrayList<>();
        Logger jul = Logger.getLogger(LearnedRoutes.class.getName());
        Handler handler =
                new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        logged.add(record.getMessage());
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        jul.addHandler(handler);
        try {
            routes.admission(
                    route ->
                            route.verdict() == Verdict.BYPASS
                                    ? "a bypass answer cannot override tunnel-list 10.60.0.0/16"
                                    : null);
            for (int i = 0; i < 3; i++) {
                routes.learn(
                        List.of(a("10.60.32.10", 60), a("10.60.32.11", 60)),
                        Verdict.BYPASS,
                        "cdn.example",
                        "cdn.example");
            }
            assertThat(counters.get(DnsCounters.Event.REFUSED_LEARN)).isEqualTo(6);
            assertThat(changes).as("nothing to republish").hasValue(0);
            assertThat(logged)
                    .as("once per name")
                    .containsExactly(
                            "DNS answer for cdn.example (under cdn.example) not applied to"
                                    + " 10.60.32.10: a bypass answer cannot override tunnel-list"
                                    + " 10.60.0.0/16");
            assertThat(routes.entry(IpPrefix.parseAddress("10.60.32.11")).refusal())
                    .isEqualTo("a bypass answer cannot override tunnel-list 10.60.0.0/16");
        } finally {
            jul.removeHandler(handler);
        }
    }

    @Test
    void aFloodOfBypassAnswersShouldStayBoundedAndNeverEvictATunnelRoute() {
        LearnedRoutes small = routes(64);
        small.learn(List.of(a("10.60.32.77", 3600)), Verdict.TUNNEL, "corp.example", "app");
        for (int answer = 0; answer < 50; answer++) {
            List<DnsResponse.Answer> addresses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                addresses.add(a("198.19." + answer + "." + (i + 1), 3600));
            }
            small.learn(addresses, Verdict.BYPASS, "cdn.example", "cdn" + answer + ".example");
            small.expireNow();
        }
        List<LearnedRoute> kept = small.routes();
        assertThat(kept.stream().filter(r -> r.verdict() == Verdict.BYPASS).count())
                .isLessThanOrEqualTo(64);
        assertThat(kept)
                .contains(new LearnedRoute(IpPrefix.parseAddress("10.60.32.77"), Verdict.TUNNEL));
        assertThat(counters.get(DnsCounters.Event.LEARNED_EVICTED))
                .isGreaterThanOrEqualTo(50 * 100 - 64);
    }
}

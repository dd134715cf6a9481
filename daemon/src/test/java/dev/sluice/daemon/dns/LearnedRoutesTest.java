package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.SplitMode;
import dev.sluice.routing.policy.SplitPolicy;
import dev.sluice.routing.policy.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LearnedRoutesTest {
    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
    private final AtomicInteger changes = new AtomicInteger();
    private final LearnedRoutes routes =
            new LearnedRoutes(
                    Duration.ofSeconds(30),
                    Duration.ofHours(1),
                    nowNs::get,
                    Scheduler.disabledScheduler(),
                    Runnable::run,
                    changes::incrementAndGet);

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
                                120));
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
                        new SplitPolicy.LearnedRoute(
                                IpPrefix.parseAddress("10.60.32.77"), Verdict.BYPASS));
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
        SplitPolicy policy =
                new SplitPolicy(
                        SplitMode.INCLUDE,
                        List.of(IpPrefix.parse("10.60.0.0/24")),
                        List.of(),
                        List.of(List.of(IpPrefix.parse("10.0.0.0/8"))),
                        LocalNetworks.BYPASS,
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of());
        IpPrefix address = IpPrefix.parseAddress("10.60.32.10");
        routes.learn(List.of(a("10.60.32.10", 45)), Verdict.TUNNEL, "corp.example", "app");
        CompiledPolicy live = PolicyCompiler.compile(policy.withLearned(routes.routes()));
        assertThat(live.classify(address).verdict()).isEqualTo(Verdict.TUNNEL);
        assertThat(live.classify(address).peerIndex()).isZero();

        advance(Duration.ofSeconds(46));
        CompiledPolicy expired = PolicyCompiler.compile(policy.withLearned(routes.routes()));
        assertThat(expired.classify(address).verdict()).isEqualTo(Verdict.BYPASS);
    }
}

package dev.sluice.benchmarks;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.policy.LearnedRoute;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.PolicyCompiler;
import dev.sluice.routing.policy.SplitMode;
import dev.sluice.routing.policy.SplitPolicy;
import dev.sluice.routing.policy.Verdict;
import dev.sluice.testkit.RandomPrefixes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one DNS answer costs the forwarding state: the daemon rebuilds the learned-route overlay
 * ({@link LearnedOverlay#build}) before the answer leaves, over every learned route in force (at
 * most 4,096 per verdict). The static policy is an include-mode list of 850 random prefixes; the
 * learned routes are random IPv4 and IPv6 host routes, half tunnel, half bypass. The cost must grow
 * linearly with the learned set and never recompile the static table, so that a flood of answers
 * with 100 addresses each costs at most (answers × 8,192) route admissions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class LearnedOverlayBenchmark {
    @Param({"100", "1000", "8192"})
    public int learned;

    private CompiledPolicy policy;
    private List<LearnedRoute> routes;

    @Setup
    public void setUp() {
        List<IpPrefix> tunnel = new ArrayList<>();
        for (RandomPrefixes.Raw raw : RandomPrefixes.ipv4(850, 850)) {
            tunnel.add(IpPrefix.ipv4((int) (raw.high() >>> 32), raw.length()));
        }
        policy =
                PolicyCompiler.compile(
                        new SplitPolicy(
                                SplitMode.INCLUDE,
                                tunnel,
                                List.of(),
                                List.of(
                                        List.of(
                                                IpPrefix.parse("0.0.0.0/0"),
                                                IpPrefix.parse("::/0"))),
                                LocalNetworks.BYPASS,
                                List.of(IpPrefix.parse("192.168.1.0/24")),
                                List.of(IpPrefix.parse("203.0.113.5/32")),
                                List.of()));
        SplittableRandom random = new SplittableRandom(learned);
        routes = new ArrayList<>(learned);
        for (int i = 0; i < learned; i++) {
            IpPrefix host =
                    i % 4 == 3
                            ? IpPrefix.ipv6(random.nextLong(), random.nextLong(), 128)
                            : IpPrefix.ipv4(random.nextInt(), 32);
            routes.add(new LearnedRoute(host, i % 2 == 0 ? Verdict.TUNNEL : Verdict.BYPASS));
        }
    }

    /** One rebuild of the overlay, as after each answer that learns something. */
    @Benchmark
    public LearnedOverlay rebuildAfterAnAnswer() {
        return LearnedOverlay.build(policy, routes);
    }
}

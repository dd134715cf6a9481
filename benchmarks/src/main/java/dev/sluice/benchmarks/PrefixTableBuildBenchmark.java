package dev.sluice.benchmarks;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import dev.sluice.testkit.RandomPrefixes;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jol.info.GraphLayout;

/**
 * Building a {@link PrefixTable} of 100k prefixes with the bulk builder (target under 200 ms) and
 * one incremental update of a 100k table (path copy). Prints bytes per prefix (JOL) at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class PrefixTableBuildBenchmark {
    @Param({"ipv4", "ipv6"})
    public String family;

    private List<IpPrefix> prefixes;
    private PrefixTable built;

    @Setup
    public void setUp() {
        boolean ipv6 = family.equals("ipv6");
        List<RandomPrefixes.Raw> raws =
                ipv6 ? RandomPrefixes.ipv6(42, 100_000) : RandomPrefixes.ipv4(42, 100_000);
        prefixes = new ArrayList<>(raws.size());
        for (RandomPrefixes.Raw raw : raws) {
            prefixes.add(
                    ipv6
                            ? IpPrefix.ipv6(raw.high(), raw.low(), raw.length())
                            : IpPrefix.ipv4((int) (raw.high() >>> 32), raw.length()));
        }
        built = build100k();
        long bytes = GraphLayout.parseInstance(built).totalSize();
        System.out.printf(
                "%n%s: %d prefixes, %d bytes, %.1f bytes/prefix%n",
                family, prefixes.size(), bytes, (double) bytes / prefixes.size());
    }

    @Benchmark
    public PrefixTable build100k() {
        PrefixTable.Builder builder = PrefixTable.builder();
        for (int i = 0; i < prefixes.size(); i++) {
            builder.put(prefixes.get(i), i & 0xfff);
        }
        return builder.build();
    }

    @Benchmark
    public Object build100kAndCompile() {
        return build100k().compile();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public PrefixTable updateOneOf100k() {
        return built.with(prefixes.get(12_345), 7);
    }
}

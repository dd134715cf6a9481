package dev.sluice.benchmarks;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.CompiledPrefixTable;
import dev.sluice.routing.trie.PrefixTable;
import dev.sluice.testkit.RandomPrefixes;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Longest-prefix lookups in the data path's {@link CompiledPrefixTable}, in the persistent {@link
 * PrefixTable} it is compiled from, and in a plain binary trie (the baseline), for 1k/10k/100k
 * seeded random prefixes (routing-table-like lengths, nested) per family.
 *
 * <p>Each invocation looks up {@link #BATCH} addresses taken in order from pre-generated probes: a
 * quarter random, three quarters inside random table prefixes (first, last, random address), so
 * most lookups walk to a leaf. Scores are per lookup. Three probe sets:
 *
 * <ul>
 *   <li>{@code hot}: 1,024 distinct destinations, looked up in the same order again and again; the
 *       paths they touch stay in cache and the CPU learns the sequence of branches, so this
 *       measures the trie's own work at its best.
 *   <li>{@code flows}: the same 1,024 destinations in a random order (65,536 draws), like the
 *       packets of a busy client's active flows interleaved: the paths stay in cache but the
 *       branches cannot be learned; closest to what the data path meets.
 *   <li>{@code uniform}: 65,536 destinations spread over the whole table; at 100k prefixes the
 *       table (4 MB IPv4, 7 MB IPv6) exceeds this machine's caches and each lookup pays 2-4
 *       dependent memory misses, so this measures the memory hierarchy as much as the trie.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class PrefixTableBenchmark {
    static final int BATCH = 1024;

    @Param({"1000", "10000", "100000"})
    public int prefixes;

    @Param({"ipv4", "ipv6"})
    public String family;

    @Param({"hot", "flows", "uniform"})
    public String probes;

    private PrefixTable table;
    private CompiledPrefixTable compiled;
    private BinaryTrie baseline;
    private long[] probeHigh;
    private long[] probeLow;
    private int[] probeV4;
    private int cursor;
    private int probeMask;
    private boolean ipv6;

    @Setup(Level.Trial)
    public void setUp() {
        ipv6 = family.equals("ipv6");
        List<RandomPrefixes.Raw> raws =
                ipv6 ? RandomPrefixes.ipv6(42, prefixes) : RandomPrefixes.ipv4(42, prefixes);
        PrefixTable.Builder builder = PrefixTable.builder();
        baseline = new BinaryTrie();
        for (int i = 0; i < raws.size(); i++) {
            RandomPrefixes.Raw raw = raws.get(i);
            IpPrefix prefix =
                    ipv6
                            ? IpPrefix.ipv6(raw.high(), raw.low(), raw.length())
                            : IpPrefix.ipv4((int) (raw.high() >>> 32), raw.length());
            builder.put(prefix, i & 0xfff);
            baseline.put(raw.high(), raw.low(), raw.length(), i & 0xfff);
        }
        table = builder.build();
        compiled = table.compile();
        int count = probes.equals("hot") ? 1024 : 65_536;
        probeMask = count - 1;
        long[][] addresses =
                probes.equals("flows")
                        ? drawn(RandomPrefixes.addresses(43, raws, 1024, ipv6), count)
                        : RandomPrefixes.addresses(43, raws, count, ipv6);
        probeHigh = new long[count];
        probeLow = new long[count];
        probeV4 = new int[count];
        for (int i = 0; i < count; i++) {
            probeHigh[i] = addresses[i][0];
            probeLow[i] = addresses[i][1];
            probeV4[i] = (int) (addresses[i][0] >>> 32);
        }
    }

    /** {@code count} destinations drawn at random (seeded) from {@code destinations}. */
    private static long[][] drawn(long[][] destinations, int count) {
        Random draw = new Random(44);
        long[][] addresses = new long[count][];
        for (int i = 0; i < count; i++) {
            addresses[i] = destinations[draw.nextInt(destinations.length)];
        }
        return addresses;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int compiled() {
        int sum = 0;
        int start = cursor;
        if (ipv6) {
            for (int i = 0; i < BATCH; i++) {
                int k = (start + i) & probeMask;
                sum += compiled.lookupV6(probeHigh[k], probeLow[k]);
            }
        } else {
            for (int i = 0; i < BATCH; i++) {
                sum += compiled.lookupV4(probeV4[(start + i) & probeMask]);
            }
        }
        cursor = start + BATCH;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int persistentTrie() {
        int sum = 0;
        int start = cursor;
        if (ipv6) {
            for (int i = 0; i < BATCH; i++) {
                int k = (start + i) & probeMask;
                sum += table.lookupV6(probeHigh[k], probeLow[k]);
            }
        } else {
            for (int i = 0; i < BATCH; i++) {
                sum += table.lookupV4(probeV4[(start + i) & probeMask]);
            }
        }
        cursor = start + BATCH;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int binaryTrieBaseline() {
        int sum = 0;
        int start = cursor;
        int bits = ipv6 ? 128 : 32;
        for (int i = 0; i < BATCH; i++) {
            int k = (start + i) & probeMask;
            sum += baseline.lookup(probeHigh[k], probeLow[k], bits);
        }
        cursor = start + BATCH;
        return sum;
    }
}

package dev.sluice.routing.trie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import dev.sluice.testkit.AllocationMeter;
import dev.sluice.testkit.RandomPrefixes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** Allocation and memory contracts of {@link PrefixTable} (deterministic, not timed). */
class PrefixTableResourceTest {
    private static PrefixTable build(List<RandomPrefixes.Raw> raws) {
        PrefixTable.Builder builder = PrefixTable.builder();
        for (int i = 0; i < raws.size(); i++) {
            builder.put(PrefixTableDifferentialTest.toPrefix(raws.get(i)), i & 3);
        }
        return builder.build();
    }

    @Test
    void shouldAllocateNothingPerLookup() {
        List<RandomPrefixes.Raw> v4 = RandomPrefixes.ipv4(1, 10_000);
        List<RandomPrefixes.Raw> v6 = RandomPrefixes.ipv6(2, 10_000);
        PrefixTable table = build(v4);
        PrefixTable table6 = build(v6);
        long[][] probes4 = RandomPrefixes.addresses(3, v4, 1024, false);
        long[][] probes6 = RandomPrefixes.addresses(4, v6, 1024, true);
        CompiledPrefixTable compiled = table.compile();
        CompiledPrefixTable compiled6 = table6.compile();
        int[] sink = new int[1];
        int[] next = new int[1];
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        50_000,
                        500_000,
                        () -> {
                            int i = next[0]++ & 1023;
                            sink[0] += table.lookupV4((int) (probes4[i][0] >>> 32));
                            sink[0] += table6.lookupV6(probes6[i][0], probes6[i][1]);
                            sink[0] += (int) table.matchV4((int) (probes4[i][0] >>> 32));
                            sink[0] += compiled.lookupV4((int) (probes4[i][0] >>> 32));
                            sink[0] += compiled6.lookupV6(probes6[i][0], probes6[i][1]);
                        });
        assertThat(bytes).as("bytes allocated by 500k lookups").isZero();
    }

    @Test
    void shouldUseAtMost100BytesPerPrefixAt100k() {
        for (boolean ipv6 : new boolean[] {false, true}) {
            List<RandomPrefixes.Raw> raws =
                    ipv6 ? RandomPrefixes.ipv6(7, 100_000) : RandomPrefixes.ipv4(7, 100_000);
            PrefixTable table = build(raws);
            long bytes = GraphLayout.parseInstance(table).totalSize();
            double perPrefix = (double) bytes / raws.size();
            double compiledPerPrefix = compiledBytesPerPrefix(table, raws.size());
            System.out.printf(
                    "IPv%d: %d prefixes, trie %.1f bytes/prefix (%s), compiled %.1f bytes/prefix%n",
                    ipv6 ? 6 : 4, raws.size(), perPrefix, table.shape(), compiledPerPrefix);
            assertThat(perPrefix).as("trie bytes per prefix, IPv%d", ipv6 ? 6 : 4).isLessThan(100);
            assertThat(compiledPerPrefix)
                    .as("compiled bytes per prefix, IPv%d", ipv6 ? 6 : 4)
                    .isLessThan(100);
        }
    }

    /** Just past a threshold the wider top level weighs most per prefix. */
    @Test
    void theCompiledTableShouldStayWithin100BytesPerPrefixWhereTheTopLevelWidens() {
        int[] sizes = {
            TopLevelWidth.MEDIUM_FROM - 1,
            TopLevelWidth.MEDIUM_FROM,
            TopLevelWidth.WIDE_FROM - 1,
            TopLevelWidth.WIDE_FROM
        };
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (int size : sizes) {
                List<RandomPrefixes.Raw> raws =
                        ipv6 ? RandomPrefixes.ipv6(11, size) : RandomPrefixes.ipv4(11, size);
                assertThat(compiledBytesPerPrefix(build(raws), size))
                        .as("compiled bytes per prefix, IPv%d, %d prefixes", ipv6 ? 6 : 4, size)
                        .isLessThan(100);
            }
        }
    }

    private static double compiledBytesPerPrefix(PrefixTable table, int prefixes) {
        return (double) GraphLayout.parseInstance(table.compile()).totalSize() / prefixes;
    }

    @Test
    void updatesShouldShareAllButThePath() {
        PrefixTable table = build(RandomPrefixes.ipv4(9, 50_000));
        PrefixTable updated = table.with(IpPrefix.parse("10.1.2.0/24"), 1);
        long both = GraphLayout.parseInstance(table, updated).totalSize();
        long one = GraphLayout.parseInstance(table).totalSize();
        assertThat(both - one).as("bytes added by one update").isLessThan(8_000);
    }
}

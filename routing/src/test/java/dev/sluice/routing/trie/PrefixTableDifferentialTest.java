package dev.sluice.routing.trie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.RepoFiles;
import dev.sluice.testkit.RandomPrefixes;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The trie against {@link GoldenTable} on seeded random tables (bart's testing style). */
class PrefixTableDifferentialTest {
    static IpPrefix toPrefix(RandomPrefixes.Raw raw) {
        return raw.ipv6()
                ? IpPrefix.ipv6(raw.high(), raw.low(), raw.length())
                : IpPrefix.ipv4((int) (raw.high() >>> 32), raw.length());
    }

    /** The compiled table's packed match in the golden table's packing. */
    static long compiledMatch(CompiledPrefixTable compiled, boolean ipv6, long high, long low) {
        int match = ipv6 ? compiled.matchV6(high, low) : compiled.matchV4((int) (high >>> 32));
        return match < 0
                ? -1
                : ((long) CompiledPrefixTable.matchLength(match) << 32)
                        | CompiledPrefixTable.matchValue(match);
    }

    @ParameterizedTest(name = "{0} prefixes, IPv6 {1}, seed {2}")
    @CsvSource({
        "10, false, 1",
        "10, true, 2",
        "100, false, 3",
        "100, true, 4",
        "1000, false, 5",
        "1000, true, 6",
        "10000, false, 7",
        "10000, true, 8",
        "100000, false, 9",
        "100000, true, 10"
    })
    void builtTableShouldMatchGoldenOnEveryProbe(int count, boolean ipv6, long seed) {
        List<RandomPrefixes.Raw> raws =
                ipv6 ? RandomPrefixes.ipv6(seed, count) : RandomPrefixes.ipv4(seed, count);
        GoldenTable golden = new GoldenTable();
        PrefixTable.Builder builder = PrefixTable.builder();
        for (int i = 0; i < raws.size(); i++) {
            IpPrefix prefix = toPrefix(raws.get(i));
            golden.put(prefix, i);
            builder.put(prefix, i);
        }
        PrefixTable table = builder.build();
        CompiledPrefixTable compiled = table.compile();
        assertThat(table.size()).isEqualTo(count);
        assertThat(compiled.size()).isEqualTo(count);
        assertThat(table.toMap()).isEqualTo(golden.entries());
        long[][] probes = RandomPrefixes.addresses(seed * 31, raws, 20_000, ipv6);
        for (long[] probe : probes) {
            long expected = golden.match(ipv6, probe[0], probe[1]);
            long actual =
                    ipv6
                            ? table.matchV6(probe[0], probe[1])
                            : table.matchV4((int) (probe[0] >>> 32));
            assertThat(actual)
                    .as("lookup of %s", IpPrefix.ipv6Containing(probe[0], probe[1], 128))
                    .isEqualTo(expected);
            assertThat(compiledMatch(compiled, ipv6, probe[0], probe[1]))
                    .as("compiled lookup of %s", IpPrefix.ipv6Containing(probe[0], probe[1], 128))
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} random updates, seed {1}")
    @CsvSource({"2000, 11", "20000, 12"})
    void persistentUpdatesShouldMatchGoldenAndKeepOldSnapshots(int updates, long seed) {
        Random random = new Random(seed);
        List<IpPrefix> pool = new ArrayList<>();
        RandomPrefixes.ipv4(seed, updates / 4).forEach(r -> pool.add(toPrefix(r)));
        RandomPrefixes.ipv6(seed, updates / 4).forEach(r -> pool.add(toPrefix(r)));
        GoldenTable golden = new GoldenTable();
        PrefixTable table = PrefixTable.empty();
        PrefixTable checkpoint = table;
        java.util.Map<IpPrefix, Integer> checkpointEntries = new java.util.HashMap<>();
        for (int i = 0; i < updates; i++) {
            IpPrefix prefix = pool.get(random.nextInt(pool.size()));
            if (random.nextInt(3) == 0) {
                golden.remove(prefix);
                table = table.without(prefix);
            } else {
                int value = random.nextInt(5000);
                golden.put(prefix, value);
                table = table.with(prefix, value);
            }
            if (i == updates / 2) {
                checkpoint = table;
                checkpointEntries = new java.util.HashMap<>(golden.entries());
            }
        }
        assertThat(table.toMap()).isEqualTo(golden.entries());
        assertThat(table.size()).isEqualTo(golden.entries().size());
        assertThat(checkpoint.toMap()).isEqualTo(checkpointEntries);
        PrefixTable rebuilt = PrefixTable.builder().putAll(golden.entries()).build();
        // Canonical form: the order of updates does not change the trie's shape.
        assertThat(table.shape()).isEqualTo(rebuilt.shape());
        CompiledPrefixTable compiled = table.compile();
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (long[] probe : RandomPrefixes.addresses(seed, List.of(), 5000, ipv6)) {
                long expected = golden.match(ipv6, probe[0], probe[1]);
                long actual =
                        ipv6
                                ? table.matchV6(probe[0], probe[1])
                                : table.matchV4((int) (probe[0] >>> 32));
                assertThat(actual).isEqualTo(expected);
                assertThat(compiledMatch(compiled, ipv6, probe[0], probe[1])).isEqualTo(expected);
            }
        }
        for (IpPrefix prefix : pool) {
            long expected = golden.match(!prefix.isIpv4(), prefix.high(), prefix.low());
            assertThat(table.match(prefix)).isEqualTo(expected);
            assertThat(rebuilt.match(prefix)).isEqualTo(expected);
            assertThat(compiledMatch(compiled, !prefix.isIpv4(), prefix.high(), prefix.low()))
                    .isEqualTo(expected);
        }
    }

    @Test
    void corp850ShouldMatchGolden() throws Exception {
        GoldenTable golden = new GoldenTable();
        PrefixTable.Builder builder = PrefixTable.builder();
        List<RandomPrefixes.Raw> asRaw = new ArrayList<>();
        int value = 0;
        for (String line : Files.readAllLines(RepoFiles.corp850())) {
            String text = line.replaceAll("#.*", "").strip();
            if (text.isEmpty()) {
                continue;
            }
            IpPrefix prefix = IpPrefix.parse(text);
            golden.put(prefix, value);
            builder.put(prefix, value++);
            asRaw.add(
                    new RandomPrefixes.Raw(
                            !prefix.isIpv4(), prefix.high(), prefix.low(), prefix.length()));
        }
        assertThat(value).isEqualTo(850);
        PrefixTable table = builder.build();
        CompiledPrefixTable compiled = table.compile();
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (long[] probe :
                    RandomPrefixes.addresses(
                            850,
                            asRaw.stream().filter(r -> r.ipv6() == ipv6).toList(),
                            50_000,
                            ipv6)) {
                long expected = golden.match(ipv6, probe[0], probe[1]);
                long actual =
                        ipv6
                                ? table.matchV6(probe[0], probe[1])
                                : table.matchV4((int) (probe[0] >>> 32));
                assertThat(actual).isEqualTo(expected);
                assertThat(compiledMatch(compiled, ipv6, probe[0], probe[1])).isEqualTo(expected);
            }
        }
    }
}

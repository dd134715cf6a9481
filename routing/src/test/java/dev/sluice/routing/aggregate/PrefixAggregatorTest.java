package dev.sluice.routing.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PrefixAggregatorTest {
    private static IpPrefix p(String text) {
        return IpPrefix.parse(text);
    }

    @Test
    void shouldMergeSiblingsWithEqualValues() {
        Map<IpPrefix, Integer> result =
                PrefixAggregator.aggregate(
                        Map.of(
                                p("0.0.0.0/0"), 0,
                                p("10.0.0.0/9"), 1,
                                p("10.128.0.0/9"), 1));
        assertThat(result).isEqualTo(Map.of(p("0.0.0.0/0"), 0, p("10.0.0.0/8"), 1));
    }

    @Test
    void shouldDropPrefixesCoveredByAnEqualParent() {
        Map<IpPrefix, Integer> result =
                PrefixAggregator.aggregate(
                        Map.of(
                                p("::/0"),
                                0,
                                p("fd00::/8"),
                                1,
                                p("fd10::/16"),
                                1,
                                p("fd10::1/128"),
                                1));
        assertThat(result).isEqualTo(Map.of(p("::/0"), 0, p("fd00::/8"), 1));
    }

    @Test
    void shouldFindRewritesTheSimpleRulesMiss() {
        // Three of the four /2 quarters are 1, one is 0: /0 -> 1 plus one /2 -> 0 (2 entries)
        // instead of /0 -> 0 plus three /2 -> 1 (4 entries).
        Map<IpPrefix, Integer> input =
                Map.of(
                        p("0.0.0.0/0"), 0,
                        p("64.0.0.0/2"), 1,
                        p("128.0.0.0/2"), 1,
                        p("192.0.0.0/2"), 1);
        assertThat(PrefixAggregator.aggregate(input))
                .isEqualTo(Map.of(p("0.0.0.0/0"), 1, p("0.0.0.0/2"), 0));
    }

    @Test
    void shouldRequireADefaultRoute() {
        assertThatThrownBy(() -> PrefixAggregator.aggregate(Map.of(p("10.0.0.0/8"), 1)))
                .hasMessageContaining("without a default route 0.0.0.0/0");
    }

    @Property(tries = 300)
    void aggregationShouldPreserveEveryLookup(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int size) {
        Random random = new Random(seed);
        Map<IpPrefix, Integer> input = new HashMap<>();
        input.put(p("0.0.0.0/0"), random.nextInt(3));
        input.put(p("::/0"), random.nextInt(3));
        for (int i = 0; i < size; i++) {
            // Clustered prefixes so that siblings and nesting are common.
            int address = 0x0a000000 | (random.nextInt(1 << 12) << 12);
            int length = 8 + random.nextInt(17);
            input.put(IpPrefix.ipv4Containing(address, length), random.nextInt(3));
            long high = 0xfd00_0000_0000_0000L | ((long) random.nextInt(1 << 16) << 32);
            input.put(IpPrefix.ipv6Containing(high, 0, 8 + random.nextInt(41)), random.nextInt(3));
        }
        Map<IpPrefix, Integer> output = PrefixAggregator.aggregate(input);
        assertThat(output.size()).isLessThanOrEqualTo(input.size());
        PrefixTable before = PrefixTable.builder().putAll(input).build();
        PrefixTable after = PrefixTable.builder().putAll(output).build();
        for (IpPrefix prefix : input.keySet()) {
            // First and last address of every input prefix, and just outside it.
            for (long delta : new long[] {0, -1, 1}) {
                IpPrefix probe = edge(prefix, delta);
                assertThat(value(after, probe)).as("at %s", probe).isEqualTo(value(before, probe));
            }
        }
        for (int i = 0; i < 2000; i++) {
            IpPrefix probe = IpPrefix.hostV4(0x0a000000 | random.nextInt(1 << 24));
            assertThat(value(after, probe)).isEqualTo(value(before, probe));
        }
        // Minimal: aggregating again finds nothing more to remove.
        assertThat(PrefixAggregator.aggregate(output)).hasSameSizeAs(output);
    }

    private static int value(PrefixTable table, IpPrefix host) {
        return PrefixTable.matchValue(table.match(host));
    }

    private static IpPrefix edge(IpPrefix prefix, long delta) {
        if (prefix.isIpv4()) {
            int hostBits = 32 - prefix.length();
            long last = (prefix.ipv4Address() & 0xffffffffL) | ((1L << hostBits) - 1);
            long address =
                    delta < 0
                            ? (prefix.ipv4Address() & 0xffffffffL) - 1
                            : delta == 0 ? prefix.ipv4Address() & 0xffffffffL : last + 1;
            return IpPrefix.hostV4((int) address);
        }
        return IpPrefix.hostV6(prefix.high(), prefix.low() + delta);
    }

    @Test
    void shouldBeMinimalAgainstExhaustiveSearchOnASmallUniverse() {
        // Universe: the 8 addresses of 10.0.0.0/29 plus "everything else" (value 0 via /0).
        // Candidates: the 15 prefixes inside 10.0.0.0/29; brute force finds the fewest entries.
        IpPrefix[] candidates = new IpPrefix[15];
        int n = 0;
        for (int length = 29; length <= 32; length++) {
            for (int i = 0; i < 1 << (length - 29); i++) {
                candidates[n++] = IpPrefix.ipv4(0x0a000000 | (i << (32 - length)), length);
            }
        }
        Random random = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int[] target = new int[8];
            for (int a = 0; a < 8; a++) {
                target[a] = random.nextInt(3);
            }
            Map<IpPrefix, Integer> input = new HashMap<>();
            input.put(p("0.0.0.0/0"), 0);
            for (int a = 0; a < 8; a++) {
                input.put(IpPrefix.hostV4(0x0a000000 | a), target[a]);
            }
            int optimum = bruteForceMinimum(candidates, target);
            assertThat(PrefixAggregator.aggregate(input).size())
                    .as("target %s", java.util.Arrays.toString(target))
                    .isEqualTo(1 + optimum);
        }
    }

    /** Fewest prefixes inside the /29 (each with value 0..2) that, over /0 -> 0, give target. */
    private static int bruteForceMinimum(IpPrefix[] candidates, int[] target) {
        for (int count = 0; count <= 8; count++) {
            if (search(candidates, target, 0, count, new int[15])) {
                return count;
            }
        }
        throw new AssertionError("no representation");
    }

    private static boolean search(
            IpPrefix[] candidates, int[] target, int from, int left, int[] chosen) {
        if (left == 0) {
            for (int a = 0; a < 8; a++) {
                int best = 0;
                int bestLength = -1;
                for (int c = 0; c < 15; c++) {
                    if (chosen[c] > 0
                            && candidates[c].containsAddress((long) (0x0a000000 | a) << 32, 0)
                            && candidates[c].length() > bestLength) {
                        best = chosen[c] - 1;
                        bestLength = candidates[c].length();
                    }
                }
                if (best != target[a]) {
                    return false;
                }
            }
            return true;
        }
        for (int c = from; c < 15; c++) {
            for (int v = 1; v <= 3; v++) {
                chosen[c] = v;
                if (search(candidates, target, c + 1, left - 1, chosen)) {
                    chosen[c] = 0;
                    return true;
                }
            }
            chosen[c] = 0;
        }
        return false;
    }
}

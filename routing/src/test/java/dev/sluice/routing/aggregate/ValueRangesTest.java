package dev.sluice.routing.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ValueRangesTest {
    private static IpPrefix p(String text) {
        return IpPrefix.parse(text);
    }

    @Test
    void shouldCutNestedPrefixesOutOfTheirParents() {
        Map<IpPrefix, Integer> table =
                Map.of(
                        p("0.0.0.0/0"), 1,
                        p("10.0.0.0/8"), 0,
                        p("10.60.99.0/24"), 1,
                        p("::/0"), 1,
                        p("fd00::/8"), 0);
        assertThat(ValueRanges.of(table, IpFamily.IPV4, 1).stream().map(ValueRanges.Range::text))
                .containsExactly(
                        "0.0.0.0-9.255.255.255",
                        "10.60.99.0-10.60.99.255",
                        "11.0.0.0-255.255.255.255");
        assertThat(ValueRanges.of(table, IpFamily.IPV4, 0).stream().map(ValueRanges.Range::text))
                .containsExactly("10.0.0.0-10.60.98.255", "10.60.100.0-10.255.255.255");
        assertThat(ValueRanges.of(table, IpFamily.IPV6, 0).stream().map(ValueRanges.Range::text))
                .containsExactly("fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    }

    @Test
    void shouldMergeAdjacentRangesAndLeaveUncoveredAddressesOut() {
        Map<IpPrefix, Integer> table =
                Map.of(p("192.0.2.0/25"), 1, p("192.0.2.128/25"), 1, p("198.51.100.0/24"), 0);
        assertThat(ValueRanges.of(table, IpFamily.IPV4, 1).stream().map(ValueRanges.Range::text))
                .containsExactly("192.0.2.0-192.0.2.255");
    }

    /** Every address is in a range exactly when its longest match has the value. */
    @Property(tries = 100)
    void rangesShouldAgreeWithLongestMatch(@ForAll long seed) {
        Random random = new Random(seed);
        Map<IpPrefix, Integer> table = new HashMap<>();
        table.put(p("0.0.0.0/0"), random.nextInt(2));
        for (int i = 0; i < 30; i++) {
            int address = 0x0a000000 | random.nextInt(1 << 16);
            table.put(IpPrefix.ipv4Containing(address, 8 + random.nextInt(25)), random.nextInt(2));
        }
        PrefixTable lpm = PrefixTable.builder().putAll(table).build();
        List<ValueRanges.Range> ranges = ValueRanges.of(table, IpFamily.IPV4, 1);
        for (int i = 0; i < 2000; i++) {
            int address =
                    random.nextInt(4) == 0
                            ? random.nextInt()
                            : 0x0a000000 | random.nextInt(1 << 16);
            BigInteger value = BigInteger.valueOf(address & 0xffffffffL);
            boolean inRange =
                    ranges.stream()
                            .anyMatch(
                                    r ->
                                            r.first().compareTo(value) <= 0
                                                    && r.last().compareTo(value) >= 0);
            assertThat(inRange)
                    .as(IpPrefix.hostV4(address).toString())
                    .isEqualTo(lpm.lookupV4(address) == 1);
        }
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i - 1).last().add(BigInteger.ONE))
                    .as("disjoint, sorted, merged")
                    .isLessThan(ranges.get(i).first());
        }
    }
}

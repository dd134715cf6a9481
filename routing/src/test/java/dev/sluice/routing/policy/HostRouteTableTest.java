package dev.sluice.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.trie.PrefixTable;
import dev.sluice.testkit.AllocationMeter;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostRouteTableTest {
    @Test
    void shouldAnswerEveryStoredHostAndMissEverythingElse() {
        Random random = new Random(7);
        Map<IpPrefix, Integer> routes = new HashMap<>();
        while (routes.size() < 5_000) {
            IpPrefix host =
                    random.nextBoolean()
                            ? IpPrefix.hostV4(random.nextInt())
                            : IpPrefix.hostV6(random.nextLong(), random.nextLong());
            routes.put(host, random.nextInt(1 << 20));
        }
        HostRouteTable table = new HostRouteTable(routes);
        assertThat(table.size()).isEqualTo(routes.size());
        routes.forEach((host, value) -> assertThat(table.lookup(host)).isEqualTo(value));
        for (int i = 0; i < 20_000; i++) {
            IpPrefix other =
                    random.nextBoolean()
                            ? IpPrefix.hostV4(random.nextInt())
                            : IpPrefix.hostV6(random.nextLong(), random.nextLong());
            assertThat(table.lookup(other))
                    .isEqualTo(routes.getOrDefault(other, PrefixTable.NO_MATCH));
        }
    }

    @Test
    void shouldMissOnAnEmptyTableAndOnTheOtherFamily() {
        assertThat(HostRouteTable.EMPTY.lookupV4(0x0a000001)).isEqualTo(PrefixTable.NO_MATCH);
        assertThat(HostRouteTable.EMPTY.lookupV6(1, 2)).isEqualTo(PrefixTable.NO_MATCH);
        HostRouteTable v4Only = new HostRouteTable(Map.of(IpPrefix.parse("10.0.0.1/32"), 5));
        assertThat(v4Only.lookupV4(0x0a000001)).isEqualTo(5);
        assertThat(v4Only.lookupV6(0x0a000001L << 32, 0)).isEqualTo(PrefixTable.NO_MATCH);
    }

    @Test
    void shouldRefuseRoutesThatAreNotHostRoutes() {
        assertThatThrownBy(() -> new HostRouteTable(Map.of(IpPrefix.parse("10.0.0.0/24"), 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.0/24");
    }

    @Test
    void lookupsShouldAllocateNothing() {
        Map<IpPrefix, Integer> routes = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            routes.put(IpPrefix.hostV4(0x0a000000 + i * 7), i);
            routes.put(IpPrefix.hostV6(0xfd00L << 48, i * 13L), i);
        }
        HostRouteTable table = new HostRouteTable(routes);
        int[] sink = new int[1];
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        100_000,
                        () -> {
                            int i = sink[0] & 4095;
                            sink[0] +=
                                    table.lookupV4(0x0a000000 + i)
                                            + table.lookupV6(0xfd00L << 48, i)
                                            + 3;
                        });
        assertThat(bytes).isLessThan(100_000);
    }
}

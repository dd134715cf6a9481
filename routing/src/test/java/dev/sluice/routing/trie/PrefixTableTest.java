package dev.sluice.routing.trie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpPrefix;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrefixTableTest {
    private static IpPrefix p(String text) {
        return IpPrefix.parse(text);
    }

    private static int v4(PrefixTable table, String address) {
        return table.lookupV4(p(address).ipv4Address());
    }

    private static int v6(PrefixTable table, String address) {
        IpPrefix host = p(address);
        return table.lookupV6(host.high(), host.low());
    }

    @Test
    void shouldMissOnAnEmptyTable() {
        assertThat(v4(PrefixTable.empty(), "10.0.0.1")).isEqualTo(PrefixTable.NO_MATCH);
        assertThat(v6(PrefixTable.empty(), "::1")).isEqualTo(PrefixTable.NO_MATCH);
    }

    @Test
    void shouldPreferTheLongestPrefixAtEveryStrideShape() {
        PrefixTable table =
                PrefixTable.empty()
                        .with(p("0.0.0.0/0"), 1)
                        .with(p("10.0.0.0/7"), 2) // inside the root stride
                        .with(p("10.0.0.0/8"), 3) // a fringe
                        .with(p("10.20.30.0/24"), 4) // a leaf
                        .with(p("10.20.30.40/32"), 5) // splits the leaf into a node
                        .with(p("10.20.0.0/15"), 6);
        assertThat(v4(table, "11.1.1.1")).isEqualTo(2);
        assertThat(v4(table, "12.1.1.1")).isEqualTo(1);
        assertThat(v4(table, "10.1.1.1")).isEqualTo(3);
        assertThat(v4(table, "10.21.0.1")).isEqualTo(6);
        assertThat(v4(table, "10.20.30.1")).isEqualTo(4);
        assertThat(v4(table, "10.20.30.40")).isEqualTo(5);
        assertThat(v4(table, "10.20.31.40")).isEqualTo(6);
        assertThat(table.size()).isEqualTo(6);
        long match = table.matchV4(p("10.20.30.41").ipv4Address());
        assertThat(PrefixTable.matchLength(match)).isEqualTo(24);
        assertThat(PrefixTable.matchValue(match)).isEqualTo(4);
    }

    @Test
    void shouldHandleIpv6HostRoutesAndDeepPaths() {
        PrefixTable table =
                PrefixTable.builder()
                        .put(p("::/0"), 1)
                        .put(p("2001:db8::/32"), 2)
                        .put(p("2001:db8:1:2:3:4:5:6/128"), 3)
                        .put(p("2001:db8:1:2:3:4:5:0/127"), 4)
                        .put(p("2001:db8:1:2::/64"), 5)
                        .build();
        assertThat(v6(table, "2001:db8:1:2:3:4:5:6")).isEqualTo(3);
        assertThat(v6(table, "2001:db8:1:2:3:4:5:1")).isEqualTo(4);
        assertThat(v6(table, "2001:db8:1:2:3:4:5:7")).isEqualTo(5);
        assertThat(v6(table, "2001:db8:ffff::")).isEqualTo(2);
        assertThat(v6(table, "fe80::1")).isEqualTo(1);
        assertThat(table.get(p("2001:db8:1:2:3:4:5:0/127"))).isEqualTo(4);
        assertThat(table.get(p("2001:db8:1:2:3:4:5:0/126"))).isEqualTo(PrefixTable.NO_MATCH);
    }

    @Test
    void shouldLeaveOldSnapshotsUntouchedByUpdates() {
        PrefixTable before = PrefixTable.empty().with(p("10.0.0.0/8"), 1).with(p("10.1.0.0/16"), 2);
        PrefixTable after = before.with(p("10.1.2.0/24"), 3).without(p("10.0.0.0/8"));
        assertThat(v4(before, "10.1.2.3")).isEqualTo(2);
        assertThat(v4(before, "10.9.9.9")).isEqualTo(1);
        assertThat(v4(after, "10.1.2.3")).isEqualTo(3);
        assertThat(v4(after, "10.9.9.9")).isEqualTo(PrefixTable.NO_MATCH);
        assertThat(before.size()).isEqualTo(2);
        assertThat(after.size()).isEqualTo(2);
    }

    @Test
    void shouldCompactBackToTheMinimalShapeAfterRemovals() {
        PrefixTable full =
                PrefixTable.empty()
                        .with(p("10.20.30.0/24"), 1)
                        .with(p("10.20.30.128/25"), 2)
                        .with(p("10.20.0.0/16"), 3);
        PrefixTable trimmed = full.without(p("10.20.30.128/25")).without(p("10.20.0.0/16"));
        assertThat(trimmed.toMap()).isEqualTo(Map.of(p("10.20.30.0/24"), 1));
        PrefixTable single = PrefixTable.empty().with(p("10.20.30.0/24"), 1);
        assertThat(trimmed.shape()).isEqualTo(single.shape());
        assertThat(
                        full.without(p("10.20.30.0/24"))
                                .without(p("10.20.30.128/25"))
                                .without(p("10.20.0.0/16"))
                                .shape())
                .isEqualTo(PrefixTable.empty().shape());
    }

    @Test
    void shouldReplaceValuesAndKeepCounts() {
        PrefixTable table =
                PrefixTable.empty().with(p("192.0.2.0/24"), 1).with(p("192.0.2.0/24"), 7);
        assertThat(table.size()).isEqualTo(1);
        assertThat(v4(table, "192.0.2.1")).isEqualTo(7);
        assertThat(table.without(p("198.51.100.0/24"))).isSameAs(table);
        assertThatThrownBy(() -> table.with(p("192.0.2.0/24"), -3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStoreLargeValuesInFringes() {
        PrefixTable table = PrefixTable.empty().with(p("10.0.0.0/8"), 1_000_000);
        assertThat(v4(table, "10.1.1.1")).isEqualTo(1_000_000);
    }
}

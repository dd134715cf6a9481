package dev.sluice.routing.trie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edges of the IPv4 image, address by address against the persistent trie: the default route, both
 * ends of the space, nested prefixes down to /32 in the last (2- or 4-bit) stride, prefixes on and
 * across the top level's boundary, with each top level width (12, 16 and 18 bits).
 */
class Ipv4LookupImageTest {
    private static final List<String> EDGES =
            List.of(
                    "0.0.0.0/0",
                    "0.0.0.0/32",
                    "255.255.255.255/32",
                    "255.255.255.252/30",
                    "10.0.0.0/8",
                    "10.1.0.0/16",
                    "10.1.0.0/18",
                    "10.1.64.0/18",
                    "10.1.2.0/24",
                    "10.1.2.128/25",
                    "10.1.2.128/31",
                    "10.1.2.129/32",
                    "10.1.2.130/32",
                    "10.1.2.4/30",
                    "10.1.2.5/32",
                    "10.1.3.0/26",
                    "192.160.0.0/12");

    private static PrefixTable table(int fillers) {
        PrefixTable.Builder builder = PrefixTable.builder();
        for (int i = 0; i < EDGES.size(); i++) {
            builder.put(IpPrefix.parse(EDGES.get(i)), i);
        }
        // Fillers in 100.64.0.0/10, away from the edges, to reach the wider top levels.
        for (int i = 0; i < fillers; i++) {
            builder.put(IpPrefix.ipv4(0x64400000 | i << 8, 24), 1000 + (i & 7));
        }
        return builder.build();
    }

    @Test
    void everyAddressAroundTheEdgesShouldMatchThePersistentTrieWithEveryTopLevelWidth() {
        for (int fillers : new int[] {0, TopLevelWidth.MEDIUM_FROM, TopLevelWidth.WIDE_FROM}) {
            PrefixTable table = table(fillers);
            CompiledPrefixTable compiled = table.compile();
            for (String edge : EDGES) {
                int start = IpPrefix.parse(edge).ipv4Address();
                for (int offset = -600; offset <= 600; offset++) {
                    int address = start + offset;
                    long expected = table.matchV4(address);
                    int match = compiled.matchV4(address);
                    assertThat(CompiledPrefixTable.matchValue(match))
                            .as("%s near %s (%d fillers)", IpPrefix.hostV4(address), edge, fillers)
                            .isEqualTo(PrefixTable.matchValue(expected));
                    assertThat(CompiledPrefixTable.matchLength(match))
                            .isEqualTo(PrefixTable.matchLength(expected));
                }
            }
        }
    }

    @Test
    void anEmptyTableShouldMatchNothing() {
        CompiledPrefixTable empty = PrefixTable.builder().build().compile();
        assertThat(empty.matchV4(0)).isEqualTo(-1);
        assertThat(empty.matchV4(-1)).isEqualTo(-1);
        assertThat(empty.lookupV4(0x0a000001)).isEqualTo(PrefixTable.NO_MATCH);
    }
}

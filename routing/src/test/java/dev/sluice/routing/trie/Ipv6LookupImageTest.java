package dev.sluice.routing.trie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edges of the IPv6 image against the persistent trie: the default route, both ends of the space,
 * skipped paths that end before, at and after bit 64, strides that straddle bit 64, nested prefixes
 * down to /128 in the last (2- or 4-bit) stride, with each top level width (12, 16 and 18 bits).
 */
class Ipv6LookupImageTest {
    private static final List<String> EDGES =
            List.of(
                    "::/0",
                    "::/128",
                    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
                    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126",
                    "2001:db8::/32",
                    "2001:db8:0:1::/64",
                    "2001:db8:0:1:8000::/66",
                    "2001:db8:0:1:8000::/80",
                    "2001:db8:0:1:8000:0:1:0/112",
                    "2001:db8:0:1:8000:0:1:4/127",
                    "2001:db8:0:1:8000:0:1:5/128",
                    "2001:db8:0:20::/60",
                    "2001:db8:0:30::/61",
                    "2001:db8:ab00::/40",
                    "2001:db8:ab00:42::/96",
                    "fd00::/8",
                    "fd12:3456::/48");

    private static PrefixTable table(int fillers) {
        PrefixTable.Builder builder = PrefixTable.builder();
        for (int i = 0; i < EDGES.size(); i++) {
            builder.put(IpPrefix.parse(EDGES.get(i)), i);
        }
        // Fillers under 3fff::/16, away from the edges, to reach the wider top levels.
        for (int i = 0; i < fillers; i++) {
            builder.put(IpPrefix.ipv6(0x3fff000000000000L | (long) i << 16, 0, 48), 1000 + (i & 7));
        }
        return builder.build();
    }

    @Test
    void addressesAroundTheEdgesShouldMatchThePersistentTrieWithEveryTopLevelWidth() {
        for (int fillers : new int[] {0, TopLevelWidth.MEDIUM_FROM, TopLevelWidth.WIDE_FROM}) {
            PrefixTable table = table(fillers);
            CompiledPrefixTable compiled = table.compile();
            int checked = 0;
            for (String edge : EDGES) {
                IpPrefix prefix = IpPrefix.parse(edge);
                for (int flip = -1; flip < 128; flip++) {
                    for (int offset = -40; offset <= 40; offset++) {
                        long high = prefix.high();
                        long low = prefix.low() + offset;
                        if (flip >= 0 && flip < 64) {
                            high ^= 1L << (63 - flip);
                        } else if (flip >= 64) {
                            low ^= 1L << (127 - flip);
                        }
                        long expected = table.matchV6(high, low);
                        int match = compiled.matchV6(high, low);
                        assertThat(CompiledPrefixTable.matchValue(match))
                                .as(
                                        "%s near %s (%d fillers)",
                                        IpPrefix.ipv6Containing(high, low, 128), edge, fillers)
                                .isEqualTo(PrefixTable.matchValue(expected));
                        assertThat(CompiledPrefixTable.matchLength(match))
                                .isEqualTo(PrefixTable.matchLength(expected));
                        checked++;
                    }
                }
            }
            assertThat(checked).isEqualTo(EDGES.size() * 129 * 81);
        }
    }

    @Test
    void sixBitsShouldReadAcrossTheWordBoundaryAndPadPastTheEnd() {
        long high = 0x0000_0000_0000_0003L; // bits 62, 63 set
        long low = 0xf000_0000_0000_0003L; // bits 64..67 and 126, 127 set
        assertThat(Ipv6LookupImage.sixBits(high, low, 58)).isEqualTo(0b000011);
        assertThat(Ipv6LookupImage.sixBits(high, low, 62)).isEqualTo(0b111111);
        assertThat(Ipv6LookupImage.sixBits(high, low, 64)).isEqualTo(0b111100);
        assertThat(Ipv6LookupImage.sixBits(high, low, 122)).isEqualTo(0b000011);
        assertThat(Ipv6LookupImage.sixBits(high, low, 126)).isEqualTo(0b110000);
    }

    @Test
    void anEmptyTableShouldMatchNothing() {
        CompiledPrefixTable empty = PrefixTable.builder().build().compile();
        assertThat(empty.matchV6(0, 0)).isEqualTo(-1);
        assertThat(empty.matchV6(-1, -1)).isEqualTo(-1);
    }
}

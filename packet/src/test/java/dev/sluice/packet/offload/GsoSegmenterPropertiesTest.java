package dev.sluice.packet.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/** Whatever bytes a tun or a bug hands over, segmentation reports a result and stays in bounds. */
class GsoSegmenterPropertiesTest {
    private static final int GUARD = 16;

    @Property(tries = 5000)
    void shouldNeverThrowNorWriteOutOfBoundsWhenGivenRandomPacketsAndHeaders(
            @ForAll @Size(min = 16, max = 600) byte[] bytes,
            @ForAll boolean ipv6,
            @ForAll("protocols") int protocol,
            @ForAll("gsoTypes") int gsoType,
            @ForAll @IntRange(min = 0, max = 3) int flags,
            @ForAll("gsoSizes") int gsoSize,
            @ForAll("checksumStarts") int checksumStart,
            @ForAll("checksumOffsets") int checksumOffset,
            @ForAll("lengthChanges") int lengthChange) {
        ByteBuffer packet = ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
        // A plausible version, IP length and protocol, so the checks reach the deeper code.
        if (ipv6 && bytes.length >= 40) {
            packet.put(0, (byte) (0x60 | (bytes[0] & 0x0f)));
            packet.putShort(4, (short) (bytes.length - 40));
            packet.put(6, (byte) protocol);
        } else if (bytes.length >= 20) {
            packet.put(0, (byte) (0x40 | Math.max(5, bytes[0] & 0x0f)));
            packet.putShort(2, (short) bytes.length);
            packet.put(9, (byte) protocol);
            packet.putShort(6, (short) ((bytes[6] & 0x40) << 8));
        }
        int start = checksumStart < 0 ? (ipv6 ? 40 : (packet.get(0) & 0x0f) << 2) : checksumStart;
        VirtioNetHeader header =
                SuperPackets.header(flags, gsoType, 0, gsoSize, start, checksumOffset);
        GsoSegmenter segmenter = new GsoSegmenter();

        SegmentationResult result = segmenter.wrap(packet, 0, bytes.length + lengthChange, header);

        Statistics.collect(result);
        assertThat(result).isNotNull();
        if (result != SegmentationResult.OK) {
            assertThat(segmenter.segmentCount()).isZero();
            return;
        }
        assertThat(segmenter.segmentCount()).isPositive();
        ByteBuffer out = ByteBuffer.allocateDirect(GUARD + 65_535);
        for (int i = 0; i < segmenter.segmentCount(); i++) {
            int length = segmenter.segmentLength(i);
            assertThat(segmenter.segment(i, out.limit(GUARD + length), GUARD)).isEqualTo(length);
            assertThat(out.get(GUARD - 1)).isZero();
        }
    }

    @Provide
    Arbitrary<Integer> protocols() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(6)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(17)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0, 43, 44, 60, 255)));
    }

    @Provide
    Arbitrary<Integer> gsoTypes() {
        return Arbitraries.of(0, 1, 3, 4, 5, 0x80, 0x81, 0x84, 0x85, 2, 7, 0xff);
    }

    @Provide
    Arbitrary<Integer> gsoSizes() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 200), Arbitraries.of(65_535, 65_495, 1));
    }

    /** -1 stands for "the IP header length", what a kernel would put there. */
    @Provide
    Arbitrary<Integer> checksumStarts() {
        return Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 90));
    }

    @Provide
    Arbitrary<Integer> checksumOffsets() {
        return Arbitraries.oneOf(Arbitraries.of(6, 16), Arbitraries.integers().between(0, 700));
    }

    @Provide
    Arbitrary<Integer> lengthChanges() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(-3, 3));
    }
}

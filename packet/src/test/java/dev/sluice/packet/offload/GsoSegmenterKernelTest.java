package dev.sluice.packet.offload;

import static dev.sluice.packet.offload.SegmentAssertions.assertValid;
import static dev.sluice.packet.offload.SegmentAssertions.payload;
import static dev.sluice.packet.offload.SegmentAssertions.tcpFlags;
import static dev.sluice.packet.offload.SegmentAssertions.tcpSequence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.TcpHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Segmentation of what the kernel itself handed a tun with offloads on (see {@link KernelGso}). */
class GsoSegmenterKernelTest {
    private static final int HEADROOM = 16;

    private final GsoSegmenter segmenter = new GsoSegmenter();
    private final ByteBuffer out = ByteBuffer.allocateDirect(HEADROOM + 65_535);

    @Test
    void shouldCoverEveryKindOfSuperPacketWhenFixturesAreLoaded() {
        List<String> labels = KernelGso.superPackets().stream().map(KernelGso.Read::label).toList();
        assertThat(labels)
                .anyMatch(l -> l.startsWith("ipv4 tso 45"))
                .anyMatch(l -> l.startsWith("ipv6 tso 44"))
                .anyMatch(l -> l.startsWith("ipv4 options tso"))
                .anyMatch(l -> l.startsWith("ipv6 destination options tso"))
                .anyMatch(l -> l.contains("cwr"))
                .anyMatch(l -> l.contains("fin"))
                .anyMatch(l -> l.startsWith("ipv4 uso"))
                .anyMatch(l -> l.startsWith("ipv6 uso"));
    }

    @Test
    void shouldProduceTheKernelsOwnSegmentsByteForByteWhenCuttingKernelSuperPackets() {
        int compared = 0;
        for (KernelGso.Read read : KernelGso.superPackets()) {
            List<byte[]> expected = KernelGso.kernelSegments(read.index());
            if (expected.isEmpty()) {
                continue; // IPv6 with extension headers: the kernel cannot forward those
            }
            assertThat(wrap(read)).as(read.toString()).isEqualTo(SegmentationResult.OK);
            assertThat(segmenter.segmentCount()).as(read + " segments").isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                byte[] mine = segment(i);
                // The reference went through forwarding: one hop less, IPv4 checksum to match.
                assertThat(forwarded(mine)).as(read + " segment " + i).isEqualTo(expected.get(i));
                compared++;
            }
        }
        assertThat(compared).as("segments compared with the kernel's").isGreaterThan(200);
    }

    @Test
    void shouldCutEverySuperPacketIntoValidSegmentsCarryingItsPayloadInOrder() {
        for (KernelGso.Read read : KernelGso.superPackets()) {
            assertThat(wrap(read)).as(read.toString()).isEqualTo(SegmentationResult.OK);
            VirtioNetHeader header = read.header();
            ParsedPacket whole = assertValidAfterCompletion(read);
            boolean tcp = whole.protocol() == IpProtocol.TCP;
            int wholeFlags = tcp ? tcpFlags(read.packet(), whole) : 0;
            ByteArrayOutputStream payloads = new ByteArrayOutputStream();
            int count = segmenter.segmentCount();
            for (int i = 0; i < count; i++) {
                String what = read + " segment " + i;
                byte[] segment = segment(i);
                ParsedPacket parsed = assertValid(segment, what);
                byte[] payload = payload(segment, parsed);
                assertThat(payload.length)
                        .as(what + " payload")
                        .isLessThanOrEqualTo(header.gsoSize());
                if (i < count - 1) {
                    assertThat(payload.length).as(what + " payload").isEqualTo(header.gsoSize());
                }
                assertThat(segment.length).as(what + " fits the MTU").isLessThanOrEqualTo(1500);
                if (tcp) {
                    assertThat(tcpSequence(segment, parsed))
                            .as(what + " sequence")
                            .isEqualTo(tcpSequence(read.packet(), whole) + payloads.size());
                    assertThat(tcpFlags(segment, parsed))
                            .as(what + " flags")
                            .isEqualTo(expectedFlags(wholeFlags, i, count));
                }
                payloads.writeBytes(payload);
            }
            assertThat(payloads.toByteArray())
                    .as(read + " payload concatenated")
                    .isEqualTo(payload(read.packet(), whole));
        }
    }

    @Test
    void shouldCompleteTheKernelsPartialChecksumWhenGivenSinglePackets() {
        List<KernelGso.Read> singles =
                KernelGso.reads().stream().filter(r -> !r.isSuperPacket()).toList();
        assertThat(singles).hasSizeGreaterThanOrEqualTo(4);
        for (KernelGso.Read read : singles) {
            assertThat(read.header().needsChecksum()).as(read + " NEEDS_CSUM").isTrue();
            assertThat(wrap(read)).as(read.toString()).isEqualTo(SegmentationResult.OK);
            assertThat(segmenter.segmentCount()).isEqualTo(1);
            assertThat(segmenter.isSuperPacket()).isFalse();
            byte[] segment = segment(0);
            assertValid(segment, read.toString());

            ByteBuffer inPlace = KernelGso.direct(read.packet());
            VirtioNetHeader header = read.header();
            assertThat(
                            PartialChecksum.complete(
                                    inPlace,
                                    0,
                                    read.packet().length,
                                    header.checksumStart(),
                                    header.checksumOffset()))
                    .isTrue();
            byte[] completed = new byte[read.packet().length];
            inPlace.get(0, completed);
            assertThat(completed).as(read + " completed in place").isEqualTo(segment);
        }
    }

    @Test
    void shouldNotTouchTheSourceOrBytesAroundTheSegmentWhenCutting() {
        KernelGso.Read read = KernelGso.superPackets().get(1);
        ByteBuffer source = KernelGso.direct(read.packet());
        segmenter.wrap(source, 0, read.packet().length, read.header());
        ByteBuffer destination = ByteBuffer.allocateDirect(4000);
        for (int i = 0; i < destination.capacity(); i++) {
            destination.put(i, (byte) 0xa5);
        }
        int length = segmenter.segment(3, destination, 100);

        assertThat(length).isEqualTo(segmenter.segmentLength(3));
        assertThat(destination.get(99)).isEqualTo((byte) 0xa5);
        assertThat(destination.get(100 + length)).isEqualTo((byte) 0xa5);
        byte[] after = new byte[read.packet().length];
        source.get(0, after);
        assertThat(after).isEqualTo(read.packet());
    }

    @Test
    void shouldGiveTheSameSegmentsWhenOnlyHeadersAreWrittenAndPayloadsStayInPlace() {
        ByteBuffer headers = ByteBuffer.allocateDirect(256);
        int compared = 0;
        for (KernelGso.Read read : KernelGso.superPackets()) {
            ByteBuffer source = KernelGso.direct(read.packet());
            assertThat(segmenter.wrap(source, 0, read.packet().length, read.header()))
                    .isEqualTo(SegmentationResult.OK);
            for (int i = 0; i < segmenter.segmentCount(); i++) {
                byte[] whole = segment(i);
                int headerLength = segmenter.segmentHeaders(i, headers, 0);
                assertThat(headerLength).isEqualTo(segmenter.headerLength());
                int payloadLength = segmenter.payloadLength(i);
                assertThat(headerLength + payloadLength).isEqualTo(whole.length);
                byte[] parts = new byte[whole.length];
                headers.get(0, parts, 0, headerLength);
                source.get(segmenter.payloadOffset(i), parts, headerLength, payloadLength);
                assertThat(parts).as(read + " segment " + i).isEqualTo(whole);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(200);
        assertThat(segmenter.segmentHeaders(99_999, headers, 0)).isEqualTo(-1);
    }

    private SegmentationResult wrap(KernelGso.Read read) {
        ByteBuffer source = KernelGso.direct(read.packet());
        return segmenter.wrap(source, 0, read.packet().length, read.header());
    }

    private byte[] segment(int index) {
        int length = segmenter.segment(index, out, HEADROOM);
        assertThat(length).as("segment " + index + " length").isPositive();
        byte[] bytes = new byte[length];
        out.get(HEADROOM, bytes);
        return bytes;
    }

    /** The super-packet itself with its partial checksum completed must be valid too. */
    private static ParsedPacket assertValidAfterCompletion(KernelGso.Read read) {
        byte[] whole = read.packet().clone();
        ByteBuffer buffer = ByteBuffer.wrap(whole);
        VirtioNetHeader header = read.header();
        PartialChecksum.complete(
                buffer, 0, whole.length, header.checksumStart(), header.checksumOffset());
        return assertValid(whole, read + " completed");
    }

    private static int expectedFlags(int wholeFlags, int index, int count) {
        int flags = wholeFlags;
        if (index > 0) {
            flags &= ~TcpHeader.FLAG_CWR;
        }
        if (index < count - 1) {
            flags &= ~(TcpHeader.FLAG_FIN | TcpHeader.FLAG_PSH);
        }
        return flags;
    }

    /** What forwarding makes of a packet: TTL / Hop Limit one lower, IPv4 checksum updated. */
    private static byte[] forwarded(byte[] packet) {
        byte[] copy = Arrays.copyOf(packet, packet.length);
        ByteBuffer view = ByteBuffer.wrap(copy);
        if ((copy[0] & 0xf0) == 0x40) {
            copy[8]--;
            int headerLength = (copy[0] & 0x0f) << 2;
            view.putShort(10, (short) 0);
            view.putShort(10, (short) InternetChecksum.compute(view, 0, headerLength));
        } else {
            copy[7]--;
        }
        return copy;
    }
}

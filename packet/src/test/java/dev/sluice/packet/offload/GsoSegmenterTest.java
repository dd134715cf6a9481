package dev.sluice.packet.offload;

import static dev.sluice.packet.offload.SegmentAssertions.assertValid;
import static dev.sluice.packet.offload.SegmentAssertions.payload;
import static dev.sluice.packet.offload.SegmentAssertions.tcpFlags;
import static dev.sluice.packet.offload.SegmentAssertions.tcpSequence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.TcpHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Segmentation of hand-built super-packets, and every way a packet can be refused. */
class GsoSegmenterTest {
    private static final int ALL_FLAGS =
            TcpHeader.FLAG_ACK
                    | TcpHeader.FLAG_PSH
                    | TcpHeader.FLAG_FIN
                    | TcpHeader.FLAG_CWR
                    | TcpHeader.FLAG_ECE;

    private final GsoSegmenter segmenter = new GsoSegmenter();

    @Test
    void shouldWrapSequenceAndIdentificationWhenCrossingTheirLimits() {
        byte[] packet =
                SuperPackets.tso(
                        PacketBuilder.ipv4("10.66.0.2", "10.10.1.5")
                                .identification(0xfffe)
                                .dontFragment()
                                .tcp(40000, 443, TcpHeader.FLAG_ACK)
                                .sequence(0xffff_fc00)
                                .payload(SuperPackets.payload(5000, 1)));
        List<byte[]> segments = cut(packet, SuperPackets.tsoHeader(packet, 1000));

        assertThat(segments).hasSize(5);
        for (int i = 0; i < 5; i++) {
            byte[] segment = segments.get(i);
            ParsedPacket parsed = assertValid(segment, "segment " + i);
            assertThat(ByteBuffer.wrap(segment).getShort(4) & 0xffff)
                    .as("identification of segment %d", i)
                    .isEqualTo((0xfffe + i) & 0xffff);
            assertThat(tcpSequence(segment, parsed)).isEqualTo(0xffff_fc00 + i * 1000);
            assertThat(segment[6] & 0x40).as("DF kept").isNotZero();
        }
    }

    @Test
    void shouldPutCwrOnTheFirstSegmentAndFinPshOnTheLastWhenSuperPacketHasAllFlags() {
        byte[] packet =
                SuperPackets.tso(
                        PacketBuilder.ipv6("fd66::2", "fd10::5")
                                .tcp(40000, 443, ALL_FLAGS)
                                .payload(SuperPackets.payload(3001, 2)));
        VirtioNetHeader header = SuperPackets.tsoHeader(packet, 1000);
        header.gsoType(VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN);
        List<byte[]> segments = cut(packet, header);

        assertThat(segments).hasSize(4);
        int[] flags = new int[4];
        for (int i = 0; i < 4; i++) {
            flags[i] = tcpFlags(segments.get(i), assertValid(segments.get(i), "segment " + i));
        }
        int middle = TcpHeader.FLAG_ACK | TcpHeader.FLAG_ECE;
        assertThat(flags)
                .containsExactly(
                        middle | TcpHeader.FLAG_CWR,
                        middle,
                        middle,
                        middle | TcpHeader.FLAG_PSH | TcpHeader.FLAG_FIN);
        assertThat(segments.get(3)).hasSize(40 + 20 + 1);
    }

    @Test
    void shouldCutUsoIntoDatagramsWithTheirOwnLengthWhenGivenIpv6() {
        byte[] data = SuperPackets.payload(2500, 3);
        byte[] packet =
                SuperPackets.uso(
                        PacketBuilder.ipv6("fd66::2", "fd10::5").udp(5000, 443).payload(data));
        List<byte[]> segments = cut(packet, SuperPackets.usoHeader(packet, 1200));

        assertThat(segments).extracting(s -> s.length).containsExactly(1248, 1248, 148);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] segment : segments) {
            ParsedPacket parsed = assertValid(segment, "datagram");
            assertThat(ByteBuffer.wrap(segment).getShort(44) & 0xffff)
                    .as("UDP length")
                    .isEqualTo(segment.length - 40);
            joined.writeBytes(payload(segment, parsed));
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
    }

    @Test
    void shouldCopyExtensionHeadersIntoEverySegmentWhenChainEndsAtChecksumStart() {
        byte[] built =
                PacketBuilder.ipv6("fd66::2", "fd10::5")
                        .hopByHopPadding()
                        .destinationOptionsPadding()
                        .routingHeader(8)
                        .tcp(40000, 443, TcpHeader.FLAG_ACK)
                        .payload(SuperPackets.payload(2000, 4))
                        .build();
        int start = 40 + 24;
        byte[] packet = SuperPackets.partial(built, start, 16, IpProtocol.TCP);
        VirtioNetHeader header =
                SuperPackets.header(
                        VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                        VirtioNetHeader.GSO_TCPV6,
                        start + 20,
                        1000,
                        start,
                        16);
        List<byte[]> segments = cut(packet, header);

        assertThat(segments).hasSize(2);
        for (byte[] segment : segments) {
            ParsedPacket parsed = assertValid(segment, "segment");
            assertThat(parsed.transportOffset()).isEqualTo(start);
            assertThat(java.util.Arrays.copyOfRange(segment, 40, start))
                    .isEqualTo(java.util.Arrays.copyOfRange(packet, 40, start));
        }
    }

    @Test
    void shouldPassSinglePacketsThroughUnchangedWhenNoChecksumIsPending() {
        byte[] packet = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").echoRequest(7, 1).build();
        VirtioNetHeader none = SuperPackets.header(0, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0);
        List<byte[]> segments = cut(packet, none);

        assertThat(segments).containsExactly(packet);
    }

    @Test
    void shouldReportEachReasonWhenPacketOrHeaderIsBad() {
        byte[] tcp =
                SuperPackets.tso(
                        PacketBuilder.ipv4("10.0.0.1", "10.0.0.2")
                                .tcp(1, 2, TcpHeader.FLAG_ACK)
                                .payload(new byte[3000]));
        byte[] udp6 =
                SuperPackets.uso(
                        PacketBuilder.ipv6("fd00::1", "fd00::2").udp(1, 2).payload(new byte[3000]));
        int v4 = VirtioNetHeader.GSO_TCPV4;
        int csum = VirtioNetHeader.FLAG_NEEDS_CHECKSUM;

        assertRefused(tcp, 1000, header(csum, v4, 1000, 20, 16), SegmentationResult.TRUNCATED);
        assertRefused(
                set(tcp, 0, 0x55),
                0,
                header(csum, v4, 1000, 20, 16),
                SegmentationResult.BAD_VERSION);
        assertRefused(
                tcp,
                0,
                header(csum, VirtioNetHeader.GSO_UDP, 1000, 20, 16),
                SegmentationResult.UNSUPPORTED_GSO_TYPE);
        assertRefused(
                tcp, 0, header(csum, 7, 1000, 20, 16), SegmentationResult.UNSUPPORTED_GSO_TYPE);
        assertRefused(
                tcp,
                0,
                header(csum, VirtioNetHeader.GSO_ECN, 1000, 20, 16),
                SegmentationResult.UNSUPPORTED_GSO_TYPE);
        assertRefused(
                udp6,
                0,
                header(csum, VirtioNetHeader.GSO_UDP_L4 | VirtioNetHeader.GSO_ECN, 1000, 40, 6),
                SegmentationResult.UNSUPPORTED_GSO_TYPE);
        assertRefused(
                tcp,
                0,
                header(csum, VirtioNetHeader.GSO_TCPV6, 1000, 20, 16),
                SegmentationResult.GSO_TYPE_MISMATCH);
        assertRefused(
                tcp,
                0,
                header(csum, VirtioNetHeader.GSO_UDP_L4, 1000, 20, 6),
                SegmentationResult.GSO_TYPE_MISMATCH);
        assertRefused(
                udp6,
                0,
                header(csum, VirtioNetHeader.GSO_TCPV6, 1000, 40, 16),
                SegmentationResult.GSO_TYPE_MISMATCH);
        assertRefused(
                tcp, 0, header(0, v4, 1000, 20, 16), SegmentationResult.MISSING_CHECKSUM_OFFLOAD);
        assertRefused(tcp, 0, header(csum, v4, 0, 20, 16), SegmentationResult.BAD_GSO_SIZE);
        assertRefused(tcp, 0, header(csum, v4, 65_500, 20, 16), SegmentationResult.BAD_GSO_SIZE);
        assertRefused(
                tcp, 0, header(csum, v4, 1000, 20, 6), SegmentationResult.BAD_CHECKSUM_OFFSET);
        assertRefused(
                tcp, 0, header(csum, v4, 1000, 24, 16), SegmentationResult.BAD_CHECKSUM_OFFSET);
        assertRefused(
                udp6,
                0,
                header(csum, VirtioNetHeader.GSO_UDP_L4, 1000, 48, 6),
                SegmentationResult.BAD_CHECKSUM_OFFSET);
        assertRefused(
                tcp,
                0,
                header(csum, VirtioNetHeader.GSO_NONE, 0, 20, tcp.length),
                SegmentationResult.BAD_CHECKSUM_OFFSET);
        assertRefused(
                set(tcp, 6, 0x20),
                0,
                header(csum, v4, 1000, 20, 16),
                SegmentationResult.BAD_NETWORK_HEADER);
        assertRefused(
                set(tcp, 0, 0x44),
                0,
                header(csum, v4, 1000, 20, 16),
                SegmentationResult.BAD_NETWORK_HEADER);
        assertRefused(
                set(tcp, 32, 0x40),
                0,
                header(csum, v4, 1000, 20, 16),
                SegmentationResult.BAD_TRANSPORT_HEADER);
        assertRefused(set(tcp, 32, 0xf0), 0, header(csum, v4, 1000, 20, 16), SegmentationResult.OK);

        byte[] routed =
                PacketBuilder.ipv6("fd66::2", "fd10::5")
                        .rawExtension(IpProtocol.ROUTING, new byte[] {0, 0, 4, 1, 0, 0, 0, 0})
                        .tcp(1, 2, TcpHeader.FLAG_ACK)
                        .payload(new byte[3000])
                        .build();
        assertRefused(
                routed,
                0,
                header(csum, VirtioNetHeader.GSO_TCPV6, 1000, 48, 16),
                SegmentationResult.UNSUPPORTED_ROUTING_HEADER);
        byte[] fragmented =
                PacketBuilder.ipv6("fd66::2", "fd10::5")
                        .fragment(0, false)
                        .tcp(1, 2, TcpHeader.FLAG_ACK)
                        .payload(new byte[3000])
                        .build();
        assertRefused(
                fragmented,
                0,
                header(csum, VirtioNetHeader.GSO_TCPV6, 1000, 48, 16),
                SegmentationResult.BAD_NETWORK_HEADER);
    }

    @Test
    void shouldWriteNothingWhenIndexOrDestinationIsOutOfRange() {
        byte[] packet =
                SuperPackets.tso(
                        PacketBuilder.ipv4("10.0.0.1", "10.0.0.2")
                                .tcp(1, 2, TcpHeader.FLAG_ACK)
                                .payload(new byte[2500]));
        segmenter.wrap(
                KernelGso.direct(packet), 0, packet.length, SuperPackets.tsoHeader(packet, 1000));
        ByteBuffer small = ByteBuffer.allocateDirect(1039);

        assertThat(segmenter.segmentCount()).isEqualTo(3);
        assertThat(segmenter.segment(3, ByteBuffer.allocateDirect(2000), 0)).isEqualTo(-1);
        assertThat(segmenter.segment(-1, ByteBuffer.allocateDirect(2000), 0)).isEqualTo(-1);
        assertThat(segmenter.segment(0, small, 0)).isEqualTo(-1);
        assertThat(segmenter.segment(0, ByteBuffer.allocateDirect(2000), -1)).isEqualTo(-1);
        assertThat(segmenter.segment(2, small, 0)).isEqualTo(540);
        assertThat(segmenter.segmentLength(0)).isEqualTo(1040);
        assertThat(segmenter.maxSegmentLength()).isEqualTo(1040);

        segmenter.wrap(KernelGso.direct(packet), 0, 10, SuperPackets.tsoHeader(packet, 1000));
        assertThat(segmenter.segmentCount()).isZero();
        assertThat(segmenter.segment(0, ByteBuffer.allocateDirect(2000), 0)).isEqualTo(-1);
    }

    private void assertRefused(
            byte[] packet, int length, VirtioNetHeader header, SegmentationResult expected) {
        ByteBuffer buffer = KernelGso.direct(packet);
        SegmentationResult result =
                segmenter.wrap(buffer, 0, length == 0 ? packet.length : length, header);
        assertThat(result).as(header.toString()).isEqualTo(expected);
        if (expected != SegmentationResult.OK) {
            assertThat(segmenter.segmentCount()).isZero();
        }
    }

    private static VirtioNetHeader header(int flags, int type, int gsoSize, int start, int offset) {
        return SuperPackets.header(flags, type, 0, gsoSize, start, offset);
    }

    private static byte[] set(byte[] packet, int at, int value) {
        byte[] copy = packet.clone();
        copy[at] = (byte) value;
        return copy;
    }

    private List<byte[]> cut(byte[] packet, VirtioNetHeader header) {
        ByteBuffer source = KernelGso.direct(packet);
        assertThat(segmenter.wrap(source, 0, packet.length, header))
                .isEqualTo(SegmentationResult.OK);
        ByteBuffer out = ByteBuffer.allocateDirect(65_535);
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < segmenter.segmentCount(); i++) {
            int length = segmenter.segment(i, out, 0);
            byte[] bytes = new byte[length];
            out.get(0, bytes);
            segments.add(bytes);
        }
        return segments;
    }
}

package dev.sluice.packet.offload;

import static dev.sluice.packet.offload.Writes.coalesce;
import static dev.sluice.packet.offload.Writes.hex;
import static dev.sluice.packet.offload.Writes.shape;
import static dev.sluice.packet.offload.Writes.splitAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.PacketBuilder;
import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroCoalescerTest {
    private static final int ACK = TcpHeader.FLAG_ACK;
    private static final int ACK_PSH = TcpHeader.FLAG_ACK | TcpHeader.FLAG_PSH;

    private final GroCoalescer coalescer = new GroCoalescer(64, 8, true);

    @Test
    void shouldWriteOneTsoSuperPacketWhenSegmentsOfAFlowArriveInOrder() {
        List<byte[]> segments = TcpStream.ipv4().timestamps(5, 6).run(10, 1000);
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(writes).hasSize(1);
        Writes.Write write = writes.get(0);
        VirtioNetHeader header = write.header();
        assertThat(header.flags()).isEqualTo(VirtioNetHeader.FLAG_NEEDS_CHECKSUM);
        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
        assertThat(header.headerLength()).isEqualTo(20 + 32);
        assertThat(header.gsoSize()).isEqualTo(1000);
        assertThat(header.checksumStart()).isEqualTo(20);
        assertThat(header.checksumOffset()).isEqualTo(16);
        byte[] packet = write.packet();
        ByteBuffer view = ByteBuffer.wrap(packet);
        assertThat(packet).hasSize(20 + 32 + 10_000);
        assertThat(view.getShort(2) & 0xffff).isEqualTo(packet.length);
        assertThat(InternetChecksum.compute(view, 0, 20)).as("IPv4 header checksum").isZero();
        assertThat(view.getShort(36) & 0xffff)
                .as("partial checksum: the pseudo-header sum")
                .isEqualTo(
                        InternetChecksum.fold(
                                InternetChecksum.pseudoHeaderSumV4(
                                        view.getInt(12), view.getInt(16), 6, packet.length - 20)));
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
        assertThat(coalescer.coalescedPackets()).isEqualTo(9);
    }

    @Test
    void shouldWriteOneTsoSuperPacketWhenIpv6SegmentsArriveInOrder() {
        List<byte[]> segments = TcpStream.ipv6().run(5, 1220);
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(writes).hasSize(1);
        VirtioNetHeader header = writes.get(0).header();
        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_TCPV6);
        assertThat(header.checksumStart()).isEqualTo(40);
        assertThat(ByteBuffer.wrap(writes.get(0).packet()).getShort(4) & 0xffff)
                .isEqualTo(20 + 5 * 1220);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
    }

    @Test
    void shouldEndTheSuperPacketWhenASegmentCarriesPshOrIsShorter() {
        TcpStream flow = TcpStream.ipv4();
        List<byte[]> segments = new ArrayList<>(flow.run(2, 1000));
        segments.add(flow.next(1000, ACK_PSH));
        segments.addAll(flow.run(2, 1000));
        segments.add(flow.next(400, ACK));
        segments.add(flow.next(1000, ACK));
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(3, 3, 1);
        assertThat(writes.get(0).packet()[20 + 13] & 0xff).as("PSH kept").isEqualTo(ACK_PSH);
        assertThat(writes.get(1).header().gsoSize()).isEqualTo(1000);
        assertThat(writes.get(2).isSuperPacket()).isFalse();
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
    }

    @Test
    void shouldWriteEverythingInArrivalOrderWhenSegmentsArriveOutOfOrder() {
        List<byte[]> segments = TcpStream.ipv4().run(6, 1000);
        List<byte[]> arrival =
                List.of(
                        segments.get(0),
                        segments.get(1),
                        segments.get(3),
                        segments.get(2),
                        segments.get(4),
                        segments.get(5));
        List<Writes.Write> writes = coalesce(coalescer, arrival);

        assertThat(shape(writes)).containsExactly(2, 1, 1, 2);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(arrival));
    }

    @Test
    void shouldPassFlaggedSegmentsAloneAndKeepTheirPlaceWhenFinOrUrgArrives() {
        TcpStream flow = TcpStream.ipv6();
        List<byte[]> segments = new ArrayList<>(flow.run(2, 1000));
        segments.add(flow.next(1000, ACK | TcpHeader.FLAG_FIN));
        segments.add(flow.next(1000, ACK | TcpHeader.FLAG_URG));
        segments.add(flow.next(1000, ACK | TcpHeader.FLAG_CWR));
        segments.add(flow.next(0, ACK));
        segments.addAll(flow.run(2, 1000));
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(2, 1, 1, 1, 1, 2);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
    }

    @Test
    void shouldStartANewSuperPacketWhenOptionsAckOrWindowChange() {
        TcpStream flow = TcpStream.ipv4().timestamps(1, 1);
        List<byte[]> segments = new ArrayList<>(flow.run(2, 1000));
        flow.timestamps(2, 1);
        segments.addAll(flow.run(2, 1000));
        flow.acknowledgment(999);
        segments.addAll(flow.run(2, 1000));
        flow.window(1024);
        segments.addAll(flow.run(2, 1000));
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(2, 2, 2, 2);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
    }

    @Test
    void shouldStartANewSuperPacketWhenTtlTosOrIdentificationBreakTheRun() {
        TcpStream flow = TcpStream.ipv4();
        List<byte[]> segments = new ArrayList<>(flow.run(2, 1000));
        flow.hopLimit(63);
        segments.addAll(flow.run(2, 1000));
        flow.tos(0x03); // ECN CE
        segments.addAll(flow.run(2, 1000));
        flow.identification(9000);
        segments.add(flow.next(1000, ACK));
        flow.identification(12);
        segments.add(flow.next(1000, ACK));
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(2, 2, 2, 1, 1);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
    }

    @Test
    void shouldCoalesceFixedIdentificationsWhenDontFragmentIsSet() {
        TcpStream flow = TcpStream.ipv4();
        List<byte[]> segments = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            flow.identification(0);
            segments.add(flow.next(1000, ACK));
        }
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(4);
        List<byte[]> split = splitAll(writes);
        for (int i = 0; i < 4; i++) {
            // RFC 6864: the identification of an atomic datagram carries no meaning; the kernel
            // numbers the segments it cuts from the first one's.
            assertThat(ByteBuffer.wrap(split.get(i)).getShort(4) & 0xffff).isEqualTo(i);
            byte[] expected = segments.get(i).clone();
            ByteBuffer.wrap(expected).putShort(4, (short) i).putShort(10, (short) 0);
            ByteBuffer.wrap(expected)
                    .putShort(
                            10, (short) InternetChecksum.compute(ByteBuffer.wrap(expected), 0, 20));
            assertThat(split.get(i)).isEqualTo(expected);
        }
    }

    @Test
    void shouldPassBadChecksumsAloneAndNotCoalesceAcrossThem() {
        TcpStream flow = TcpStream.ipv4();
        List<byte[]> segments = new ArrayList<>(flow.run(4, 1000));
        segments.get(2)[20 + 16] ^= 0x01;
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(2, 1, 1);
        assertThat(writes.get(1).packet()).isEqualTo(segments.get(2));
        assertThat(writes.get(1).header().gsoType()).isEqualTo(VirtioNetHeader.GSO_NONE);
    }

    @Test
    void shouldPassBadIpv4HeaderChecksumsAlone() {
        List<byte[]> segments = TcpStream.ipv4().run(3, 1000);
        segments.get(1)[10] ^= 0x40;
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(1, 1, 1);
    }

    @Test
    void shouldKeepFlowsApartAndLeaveOtherPacketsAloneWhenInterleaved() {
        TcpStream a = TcpStream.ipv4().ports(40000, 443);
        TcpStream b = TcpStream.ipv4().ports(40001, 443);
        TcpStream c = TcpStream.ipv6().ports(40000, 443);
        byte[] ping = PacketBuilder.ipv4("10.10.1.5", "10.66.0.2").echoRequest(1, 1).build();
        List<byte[]> arrival =
                List.of(
                        a.next(1000, ACK),
                        b.next(1000, ACK),
                        c.next(1000, ACK),
                        ping,
                        a.next(1000, ACK),
                        b.next(1000, ACK),
                        c.next(1000, ACK),
                        a.next(1000, ACK));
        List<Writes.Write> writes = coalesce(coalescer, arrival);

        assertThat(shape(writes)).containsExactly(3, 2, 2, 1);
        assertThat(writes.get(3).packet()).isEqualTo(ping);
    }

    @Test
    void shouldCloseTheLeastRecentlyExtendedFlowWhenMoreFlowsThanSlotsArrive() {
        GroCoalescer twoFlows = new GroCoalescer(64, 2, false);
        TcpStream a = TcpStream.ipv4().ports(1, 443);
        TcpStream b = TcpStream.ipv4().ports(2, 443);
        TcpStream c = TcpStream.ipv4().ports(3, 443);
        List<byte[]> arrival =
                List.of(
                        a.next(1000, ACK),
                        b.next(1000, ACK),
                        a.next(1000, ACK),
                        c.next(1000, ACK),
                        a.next(1000, ACK),
                        b.next(1000, ACK));
        List<Writes.Write> writes = coalesce(twoFlows, arrival);

        // c takes b's slot (a was extended more recently), so b's second segment starts anew.
        assertThat(shape(writes)).containsExactly(3, 1, 1, 1);
    }

    @Test
    void shouldStayWithin64KilobytesWhenAFlowSendsMore() {
        List<byte[]> segments = TcpStream.ipv4().timestamps(1, 2).run(50, 1448);
        List<Writes.Write> writes = coalesce(coalescer, segments);

        assertThat(shape(writes)).containsExactly(45, 5);
        assertThat(writes.get(0).packet()).hasSize(20 + 32 + 45 * 1448);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(segments));
    }

    @Test
    void shouldCoalesceUdpIntoUsoOnlyWhenAllowed() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            datagrams.add(
                    PacketBuilder.ipv6("fd10::5", "fd66::2")
                            .udp(443, 50000)
                            .payload(SuperPackets.payload(i < 4 ? 1200 : 700, i))
                            .build());
        }
        List<Writes.Write> writes = coalesce(coalescer, datagrams);

        assertThat(writes).hasSize(1);
        VirtioNetHeader header = writes.get(0).header();
        assertThat(header.gsoType()).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
        assertThat(header.gsoSize()).isEqualTo(1200);
        assertThat(header.headerLength()).isEqualTo(48);
        assertThat(header.checksumOffset()).isEqualTo(6);
        assertThat(ByteBuffer.wrap(writes.get(0).packet()).getShort(44) & 0xffff)
                .as("UDP length of the whole")
                .isEqualTo(8 + 4 * 1200 + 700);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(datagrams));

        assertThat(shape(coalesce(new GroCoalescer(64, 8, false), datagrams)))
                .containsExactly(1, 1, 1, 1, 1);
    }

    @Test
    void shouldStopAtTheKernelsSegmentLimitWhenCoalescingUdp() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            datagrams.add(
                    PacketBuilder.ipv4("10.10.1.5", "10.66.0.2")
                            .identification(i)
                            .udp(443, 50000)
                            .payload(SuperPackets.payload(100, i))
                            .build());
        }
        List<Writes.Write> writes = coalesce(new GroCoalescer(70, 8, true), datagrams);

        assertThat(shape(writes)).containsExactly(64, 6);
        assertThat(hex(splitAll(writes))).isEqualTo(hex(datagrams));
    }

    @Test
    void shouldPassUdpWithoutChecksumAloneWhenOverIpv4() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            datagrams.add(
                    PacketBuilder.ipv4("10.10.1.5", "10.66.0.2")
                            .identification(i)
                            .udp(443, 50000)
                            .payload(new byte[100])
                            .withoutTransportChecksum()
                            .build());
        }

        assertThat(shape(coalesce(coalescer, datagrams))).containsExactly(1, 1, 1);
    }

    @Test
    void shouldWriteMalformedPacketsAsGiven() {
        byte[] garbage = {0x45, 0x00, 0x7f, 0x7f, 1, 2, 3};
        coalescer.reset();
        coalescer.add(TcpStream.decrypted(garbage), TcpStream.HEADROOM, garbage.length);
        List<Writes.Write> writes = Writes.emitted(coalescer);

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).packet()).isEqualTo(garbage);
        assertThat(writes.get(0).header().gsoType()).isZero();
        assertThat(writes.get(0).header().flags()).isZero();
    }

    @Test
    void shouldReportRoomLeftAndRefuseWhenFull() {
        GroCoalescer small = new GroCoalescer(3, 2, false);
        List<byte[]> segments = TcpStream.ipv4().run(4, 100);

        assertThat(small.add(TcpStream.decrypted(segments.get(0)), TcpStream.HEADROOM, 140))
                .isEqualTo(2);
        assertThat(small.add(TcpStream.decrypted(segments.get(1)), TcpStream.HEADROOM, 140))
                .isEqualTo(1);
        assertThat(small.add(TcpStream.decrypted(segments.get(2)), TcpStream.HEADROOM, 140))
                .isZero();
        assertThat(small.add(TcpStream.decrypted(segments.get(3)), TcpStream.HEADROOM, 140))
                .isEqualTo(-1);
        assertThat(small.packetCount()).isEqualTo(3);
        assertThat(small.writeCount()).isEqualTo(1);

        small.reset();
        assertThat(small.packetCount()).isZero();
        assertThat(small.writeCount()).isZero();
        assertThat(small.add(TcpStream.decrypted(segments.get(3)), TcpStream.HEADROOM, 140))
                .isEqualTo(2);
    }

    @Test
    void shouldGatherTheSameBytesInPlaceAsTheCopyWhenEmittingWithoutCopying() {
        List<byte[]> segments = TcpStream.ipv6().timestamps(3, 4).run(7, 1200);
        byte[] ping = PacketBuilder.ipv6("fd10::5", "fd66::2").echoRequest(1, 1).build();
        List<byte[]> arrival = new ArrayList<>(segments);
        arrival.add(3, ping);
        List<Writes.Write> copies = coalesce(coalescer, arrival);

        List<ByteBuffer> buffers = new ArrayList<>();
        coalescer.reset();
        for (byte[] packet : arrival) {
            ByteBuffer buffer = TcpStream.decrypted(packet);
            buffers.add(buffer);
            coalescer.add(buffer, TcpStream.HEADROOM, packet.length);
        }
        assertThat(coalescer.writeCount()).isEqualTo(copies.size());
        for (int w = 0; w < coalescer.writeCount(); w++) {
            int first = coalescer.firstPacket(w);
            int firstPiece = coalescer.emitInPlace(w);
            ByteBuffer gathered = ByteBuffer.allocate(coalescer.writeLength(w));
            int start = coalescer.packetOffset(first) - VirtioNetHeader.LENGTH;
            gathered.put(0, coalescer.packetBuffer(first), start, firstPiece);
            int at = firstPiece;
            for (int p = coalescer.nextMember(first); p >= 0; p = coalescer.nextMember(p)) {
                gathered.put(
                        at,
                        coalescer.packetBuffer(p),
                        coalescer.payloadOffset(p),
                        coalescer.payloadLength(p));
                at += coalescer.payloadLength(p);
            }
            assertThat(at).isEqualTo(coalescer.writeLength(w));
            assertThat(gathered.array()).as("write %d", w).isEqualTo(copies.get(w).bytes());
        }
    }

    @Test
    void shouldRefuseToEmitWhenThereIsNoRoom() {
        List<byte[]> segments = TcpStream.ipv4().run(3, 1000);
        coalescer.reset();
        for (byte[] segment : segments) {
            coalescer.add(
                    ByteBuffer.allocateDirect(segment.length).put(0, segment), 0, segment.length);
        }

        assertThat(coalescer.emit(0, ByteBuffer.allocateDirect(3049), 0)).isEqualTo(-1);
        assertThat(coalescer.emit(0, ByteBuffer.allocateDirect(3050), 1)).isEqualTo(-1);
        assertThat(coalescer.emit(0, ByteBuffer.allocateDirect(3050), 0)).isEqualTo(3050);
        assertThat(coalescer.emitInPlace(0))
                .as("no headroom before the first packet")
                .isEqualTo(-1);
    }
}

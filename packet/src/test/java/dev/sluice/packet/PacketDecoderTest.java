package dev.sluice.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private static final int V4_CLIENT = 0x0a4d0001; // 10.77.0.1
    private static final int V4_TARGET = 0x0a4d0009; // 10.77.0.9
    private static final long V6_PREFIX = 0xfd77_0000_0000_0000L; // fd77::/64

    private final ParsedPacket parsed = new ParsedPacket();

    private DecodeResult decode(byte[] packet) {
        return PacketDecoder.decode(KernelPackets.direct(packet), 0, packet.length, parsed);
    }

    @Test
    void shouldDecodeKernelIpv4EchoRequest() {
        assertThat(decode(KernelPackets.get(KernelPackets.V4_ECHO))).isEqualTo(DecodeResult.OK);
        assertThat(parsed.ipVersion()).isEqualTo(4);
        assertThat(parsed.length()).isEqualTo(84);
        assertThat(parsed.sourceV4()).isEqualTo(V4_CLIENT);
        assertThat(parsed.destinationV4()).isEqualTo(V4_TARGET);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.ICMP);
        assertThat(parsed.icmpType()).isEqualTo(IcmpHeader.V4_ECHO_REQUEST);
        assertThat(parsed.hopLimit()).isEqualTo(64);
        assertThat(parsed.isFragment()).isFalse();
        assertThat(parsed.transportOffset()).isEqualTo(20);
    }

    @Test
    void shouldDecodeKernelIpv4SynWithPortsFlagsAndMss() {
        byte[] syn = KernelPackets.get(KernelPackets.V4_SYN);
        assertThat(decode(syn)).isEqualTo(DecodeResult.OK);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(parsed.destinationPort()).isEqualTo(443);
        assertThat(parsed.sourcePort()).isBetween(1024, 65535);
        assertThat(parsed.tcpFlags()).isEqualTo(TcpHeader.FLAG_SYN);
        TcpHeader tcp = new TcpHeader().wrap(parsed.buffer(), parsed.transportOffset());
        assertThat(tcp.headerLength()).isEqualTo(40);
        assertThat(tcp.mss()).isEqualTo(1460);
    }

    @Test
    void shouldDecodeKernelIpv4Fragments() {
        assertThat(decode(KernelPackets.get(KernelPackets.V4_FRAGMENT_FIRST)))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.isFragment()).isTrue();
        assertThat(parsed.fragmentOffsetBytes()).isZero();
        assertThat(parsed.hasTransportHeader()).isTrue();
        assertThat(parsed.destinationPort()).isEqualTo(53);

        assertThat(decode(KernelPackets.get(KernelPackets.V4_FRAGMENT_MIDDLE)))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.isFragment()).isTrue();
        assertThat(parsed.fragmentOffsetBytes()).isEqualTo(1480);
        assertThat(parsed.hasTransportHeader()).isFalse();
        assertThat(parsed.destinationPort()).isEqualTo(-1);

        assertThat(decode(KernelPackets.get(KernelPackets.V4_FRAGMENT_LAST)))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.fragmentOffsetBytes()).isEqualTo(2960);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.UDP);
    }

    @Test
    void shouldDecodeKernelIpv6EchoAndSyn() {
        assertThat(decode(KernelPackets.get(KernelPackets.V6_ECHO))).isEqualTo(DecodeResult.OK);
        assertThat(parsed.ipVersion()).isEqualTo(6);
        assertThat(parsed.sourceHigh()).isEqualTo(V6_PREFIX);
        assertThat(parsed.sourceLow()).isEqualTo(1);
        assertThat(parsed.destinationHigh()).isEqualTo(V6_PREFIX);
        assertThat(parsed.destinationLow()).isEqualTo(9);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.ICMPV6);
        assertThat(parsed.icmpType()).isEqualTo(IcmpHeader.V6_ECHO_REQUEST);

        assertThat(decode(KernelPackets.get(KernelPackets.V6_SYN))).isEqualTo(DecodeResult.OK);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(parsed.networkHeaderLength()).isEqualTo(40);
        assertThat(new TcpHeader().wrap(parsed.buffer(), parsed.transportOffset()).mss())
                .isEqualTo(1440);
    }

    @Test
    void shouldWalkKernelHopByHopAndDestinationOptions() {
        assertThat(decode(KernelPackets.get(KernelPackets.V6_UDP_TWO_EXTENSIONS)))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(parsed.networkHeaderLength()).isEqualTo(40 + 8 + 8);
        assertThat(parsed.destinationPort()).isEqualTo(53);
        assertThat(parsed.transportLength()).isEqualTo(8 + 64);
    }

    @Test
    void shouldDecodeKernelIpv6FragmentsAndStopAtNonFirst() {
        assertThat(decode(KernelPackets.get(KernelPackets.V6_FRAGMENT_FIRST)))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.isFragment()).isTrue();
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(parsed.hasTransportHeader()).isTrue();
        assertThat(parsed.networkHeaderLength()).isEqualTo(48);

        assertThat(decode(KernelPackets.get(KernelPackets.V6_FRAGMENT_MIDDLE)))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.fragmentOffsetBytes()).isEqualTo(1448);
        assertThat(parsed.hasTransportHeader()).isFalse();
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.UDP);
    }

    @Test
    void shouldReportTruncationAtEveryCutOfEveryKernelPacket() {
        for (byte[] packet : KernelPackets.all()) {
            for (int cut = 0; cut < packet.length; cut++) {
                DecodeResult result =
                        PacketDecoder.decode(KernelPackets.direct(packet), 0, cut, parsed);
                assertThat(result)
                        .as("cut at %d of %d", cut, packet.length)
                        .isNotEqualTo(DecodeResult.OK);
            }
        }
    }

    @Test
    void shouldRejectUnknownVersion() {
        byte[] packet = KernelPackets.get(KernelPackets.V4_ECHO);
        packet[0] = 0x55;
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_VERSION);
    }

    @Test
    void shouldRejectIpv4HeaderLengthBelowFive() {
        byte[] packet = KernelPackets.get(KernelPackets.V4_ECHO);
        packet[0] = 0x44;
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_HEADER_LENGTH);
    }

    @Test
    void shouldRejectIpv4TotalLengthShorterThanHeader() {
        byte[] packet = KernelPackets.get(KernelPackets.V4_ECHO);
        packet[2] = 0;
        packet[3] = 12;
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_TOTAL_LENGTH);
    }

    @Test
    void shouldIgnoreTrailingBytesBeyondTotalLength() {
        byte[] packet = KernelPackets.get(KernelPackets.V4_ECHO);
        byte[] padded = java.util.Arrays.copyOf(packet, packet.length + 10);
        assertThat(decode(padded)).isEqualTo(DecodeResult.OK);
        assertThat(parsed.length()).isEqualTo(packet.length);
    }

    @Test
    void shouldRejectIpv6Jumbogram() {
        byte[] packet = PacketBuilder.ipv6("fd00::1", "fd00::2").hopByHopPadding().build();
        packet[4] = 0;
        packet[5] = 0;
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_TOTAL_LENGTH);
    }

    @Test
    void shouldRejectHopByHopAfterAnotherExtensionHeader() {
        byte[] packet =
                PacketBuilder.ipv6("fd00::1", "fd00::2")
                        .destinationOptionsPadding()
                        .hopByHopPadding()
                        .udp(1, 2)
                        .build();
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_EXTENSION_HEADER);
    }

    @Test
    void shouldRejectExtensionHeaderRunningPastThePacket() {
        byte[] packet = PacketBuilder.ipv6("fd00::1", "fd00::2").routingHeader(16).build();
        packet[41] = 5; // claims 48 bytes
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_EXTENSION_HEADER);
    }

    @Test
    void shouldRejectChainsLongerThanTheLimit() {
        PacketBuilder builder = PacketBuilder.ipv6("fd00::1", "fd00::2");
        for (int i = 0; i <= PacketDecoder.MAX_EXTENSION_HEADERS; i++) {
            builder.destinationOptionsPadding();
        }
        assertThat(decode(builder.udp(1, 2).build()))
                .isEqualTo(DecodeResult.TOO_MANY_EXTENSION_HEADERS);
    }

    @Test
    void shouldWalkRoutingAndAuthenticationHeaders() {
        byte[] authentication = new byte[16];
        authentication[1] = 2; // (2 + 2) * 4 = 16 bytes
        byte[] packet =
                PacketBuilder.ipv6("fd00::1", "fd00::2")
                        .routingHeader(24)
                        .rawExtension(IpProtocol.AUTHENTICATION, authentication)
                        .tcp(1000, 80, TcpHeader.FLAG_ACK)
                        .build();
        assertThat(decode(packet)).isEqualTo(DecodeResult.OK);
        assertThat(parsed.networkHeaderLength()).isEqualTo(40 + 24 + 16);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(parsed.destinationPort()).isEqualTo(80);
    }

    @Test
    void shouldStopAtEspAndNoNextHeader() {
        byte[] esp =
                PacketBuilder.ipv6("fd00::1", "fd00::2")
                        .hopByHopPadding()
                        .protocol(IpProtocol.ESP)
                        .payload(new byte[40])
                        .build();
        assertThat(decode(esp)).isEqualTo(DecodeResult.OK);
        assertThat(parsed.protocol()).isEqualTo(IpProtocol.ESP);
        assertThat(parsed.hasTransportHeader()).isFalse();
    }

    @Test
    void shouldRejectTcpDataOffsetBeyondPacket() {
        byte[] packet = PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, 0).build();
        packet[20 + TcpHeader.DATA_OFFSET_OFFSET] = (byte) 0xf0; // 60-byte header, 20 present
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_TRANSPORT_HEADER);
        packet[20 + TcpHeader.DATA_OFFSET_OFFSET] = (byte) 0x40; // 16 bytes: below minimum
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_TRANSPORT_HEADER);
    }

    @Test
    void shouldRejectUdpLengthInconsistentWithPacket() {
        byte[] packet =
                PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).payload(new byte[4]).build();
        packet[20 + UdpHeader.LENGTH_OFFSET + 1] = 100;
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_TRANSPORT_HEADER);
        packet[20 + UdpHeader.LENGTH_OFFSET + 1] = 4;
        assertThat(decode(packet)).isEqualTo(DecodeResult.BAD_TRANSPORT_HEADER);
    }

    @Test
    void shouldNeverReadOutsideTheGivenRegion() {
        byte[] packet = KernelPackets.get(KernelPackets.V4_SYN);
        ByteBuffer buffer = ByteBuffer.allocateDirect(packet.length + 100);
        buffer.put(50, packet);
        assertThat(PacketDecoder.decode(buffer, 50, packet.length, parsed))
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.offset()).isEqualTo(50);
        assertThat(parsed.transportOffset()).isEqualTo(70);
        assertThat(PacketDecoder.decode(buffer, -1, 10, parsed)).isEqualTo(DecodeResult.TRUNCATED);
        assertThat(PacketDecoder.decode(buffer, 150, 60, parsed)).isEqualTo(DecodeResult.TRUNCATED);
        assertThat(PacketDecoder.decode(buffer, Integer.MAX_VALUE, Integer.MAX_VALUE, parsed))
                .isEqualTo(DecodeResult.TRUNCATED);
    }
}

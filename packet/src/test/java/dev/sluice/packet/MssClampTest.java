package dev.sluice.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MssClampTest {
    private ParsedPacket decode(ByteBuffer buffer) {
        ParsedPacket parsed = new ParsedPacket();
        assertThat(PacketDecoder.decode(buffer, 0, buffer.capacity(), parsed))
                .isEqualTo(DecodeResult.OK);
        return parsed;
    }

    @Test
    void shouldClampKernelIpv4SynAndKeepChecksumValid() {
        ByteBuffer syn = KernelPackets.direct(KernelPackets.get(KernelPackets.V4_SYN));
        ParsedPacket parsed = decode(syn);
        assertThat(MssClamp.clampSyn(parsed, MssClamp.maxMssV4(1420))).isTrue();
        TcpHeader tcp = new TcpHeader().wrap(syn, parsed.transportOffset());
        assertThat(tcp.mss()).isEqualTo(1380);
        assertThat(InternetChecksum.verifyTransportChecksum(decode(syn))).isTrue();
    }

    @Test
    void shouldClampKernelIpv6SynAndKeepChecksumValid() {
        ByteBuffer syn = KernelPackets.direct(KernelPackets.get(KernelPackets.V6_SYN));
        ParsedPacket parsed = decode(syn);
        assertThat(MssClamp.clampSyn(parsed, MssClamp.maxMssV6(1420))).isTrue();
        assertThat(new TcpHeader().wrap(syn, parsed.transportOffset()).mss()).isEqualTo(1360);
        assertThat(InternetChecksum.verifyTransportChecksum(decode(syn))).isTrue();
    }

    @Test
    void shouldClampAnMssOptionAtAnOddOffset() {
        // NOP, then MSS: the 16-bit value straddles two checksum words.
        byte[] packet =
                PacketBuilder.ipv4("10.0.0.1", "10.0.0.2")
                        .tcp(1234, 443, TcpHeader.FLAG_SYN)
                        .tcpOptions((byte) 1, (byte) 2, (byte) 4, (byte) 0x05, (byte) 0xb4)
                        .build();
        ByteBuffer buffer = ByteBuffer.allocateDirect(packet.length).put(0, packet);
        ParsedPacket parsed = decode(buffer);
        assertThat(InternetChecksum.verifyTransportChecksum(parsed)).isTrue();
        assertThat(MssClamp.clampSyn(parsed, 1200)).isTrue();
        assertThat(new TcpHeader().wrap(buffer, 20).mss()).isEqualTo(1200);
        assertThat(InternetChecksum.verifyTransportChecksum(decode(buffer))).isTrue();
    }

    @Test
    void shouldLeaveSmallerMssNonSynAndMalformedOptionsAlone() {
        byte[] small =
                PacketBuilder.ipv4("10.0.0.1", "10.0.0.2")
                        .tcp(1, 2, TcpHeader.FLAG_SYN)
                        .mss(1000)
                        .build();
        assertThat(MssClamp.clampSyn(decode(direct(small)), 1380)).isFalse();

        byte[] ack =
                PacketBuilder.ipv4("10.0.0.1", "10.0.0.2")
                        .tcp(1, 2, TcpHeader.FLAG_ACK)
                        .mss(1460)
                        .build();
        assertThat(MssClamp.clampSyn(decode(direct(ack)), 1380)).isFalse();

        byte[] malformed =
                PacketBuilder.ipv4("10.0.0.1", "10.0.0.2")
                        .tcp(1, 2, TcpHeader.FLAG_SYN)
                        .tcpOptions((byte) 8, (byte) 0, (byte) 2, (byte) 4, (byte) 5, (byte) 0xb4)
                        .build();
        ByteBuffer buffer = direct(malformed);
        assertThat(MssClamp.clampSyn(decode(buffer), 1380)).isFalse();
        assertThat(buffer.get(20 + 22)).isEqualTo((byte) 2); // the MSS kind, untouched
    }

    private static ByteBuffer direct(byte[] packet) {
        return ByteBuffer.allocateDirect(packet.length).put(0, packet);
    }
}

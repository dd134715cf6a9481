package dev.sluice.packet.offload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.packet.DecodeResult;
import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.IpProtocol;
import dev.sluice.packet.PacketDecoder;
import dev.sluice.packet.ParsedPacket;
import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Checks a packet the way a receiver would: it decodes, and every checksum it carries verifies. */
final class SegmentAssertions {
    private SegmentAssertions() {}

    /** Asserts {@code packet} is a valid IP packet with valid checksums; returns it decoded. */
    static ParsedPacket assertValid(byte[] packet, String what) {
        ByteBuffer buffer = KernelGso.direct(packet);
        ParsedPacket parsed = new ParsedPacket();
        assertThat(PacketDecoder.decode(buffer, 0, packet.length, parsed))
                .as(what + " decodes")
                .isEqualTo(DecodeResult.OK);
        assertThat(parsed.length()).as(what + " IP length").isEqualTo(packet.length);
        if (parsed.isIpv4()) {
            assertThat(InternetChecksum.compute(buffer, 0, parsed.networkHeaderLength()))
                    .as(what + " IPv4 header checksum")
                    .isZero();
        }
        assertThat(InternetChecksum.verifyTransportChecksum(parsed))
                .as(what + " transport checksum")
                .isTrue();
        return parsed;
    }

    /** The bytes after the TCP or UDP header of a decoded packet. */
    static byte[] payload(byte[] packet, ParsedPacket parsed) {
        int at = parsed.transportOffset();
        int header =
                parsed.protocol() == IpProtocol.TCP
                        ? ((packet[at + TcpHeader.DATA_OFFSET_OFFSET] & 0xff) >>> 4) << 2
                        : 8;
        return Arrays.copyOfRange(packet, at + header, parsed.length());
    }

    static int tcpFlags(byte[] packet, ParsedPacket parsed) {
        return packet[parsed.transportOffset() + TcpHeader.FLAGS_OFFSET] & 0xff;
    }

    static int tcpSequence(byte[] packet, ParsedPacket parsed) {
        return ByteBuffer.wrap(packet).getInt(parsed.transportOffset() + TcpHeader.SEQUENCE_OFFSET);
    }
}

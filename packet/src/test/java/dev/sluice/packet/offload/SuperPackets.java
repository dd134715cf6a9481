package dev.sluice.packet.offload;

import dev.sluice.packet.InternetChecksum;
import dev.sluice.packet.PacketBuilder;
import java.nio.ByteBuffer;

/**
 * Hand-built super-packets in the state a tun with offloads hands them over: the transport checksum
 * field holding only the pseudo-header sum (NEEDS_CSUM), and the virtio header to go with them.
 */
final class SuperPackets {
    private SuperPackets() {}

    /** Bytes {@code 0, 1, 2, ...} offset by {@code seed}, so misplaced payload shows. */
    static byte[] payload(int length, int seed) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 7 + seed);
        }
        return payload;
    }

    /**
     * Replaces the complete checksum PacketBuilder computed with the partial one the kernel leaves:
     * the folded pseudo-header sum, upper-layer length included.
     */
    static byte[] partial(byte[] packet, int transportOffset, int checksumField, int protocol) {
        byte[] copy = packet.clone();
        ByteBuffer view = ByteBuffer.wrap(copy);
        int transportLength = copy.length - transportOffset;
        long sum;
        if ((copy[0] & 0xf0) == 0x40) {
            sum =
                    InternetChecksum.pseudoHeaderSumV4(
                            view.getInt(12), view.getInt(16), protocol, transportLength);
        } else {
            sum =
                    InternetChecksum.pseudoHeaderSumV6(
                            view.getLong(8),
                            view.getLong(16),
                            view.getLong(24),
                            view.getLong(32),
                            protocol,
                            transportLength);
        }
        view.putShort(transportOffset + checksumField, (short) InternetChecksum.fold(sum));
        return copy;
    }

    /** A TSO super-packet from a builder whose TCP header directly follows a plain IP header. */
    static byte[] tso(PacketBuilder builder) {
        byte[] packet = builder.build();
        return partial(packet, ipHeaderLength(packet), 16, 6);
    }

    /** A USO super-packet from a builder whose UDP header directly follows a plain IP header. */
    static byte[] uso(PacketBuilder builder) {
        byte[] packet = builder.build();
        return partial(packet, ipHeaderLength(packet), 6, 17);
    }

    static int ipHeaderLength(byte[] packet) {
        return (packet[0] & 0xf0) == 0x40 ? (packet[0] & 0x0f) << 2 : 40;
    }

    /** The virtio header a tun would give {@code packet} as a TSO super-packet. */
    static VirtioNetHeader tsoHeader(byte[] packet, int gsoSize) {
        int start = ipHeaderLength(packet);
        int type =
                (packet[0] & 0xf0) == 0x40 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6;
        int tcpLength = ((packet[start + 12] & 0xff) >>> 4) << 2;
        return header(
                VirtioNetHeader.FLAG_NEEDS_CHECKSUM, type, start + tcpLength, gsoSize, start, 16);
    }

    /** The virtio header a tun would give {@code packet} as a USO super-packet. */
    static VirtioNetHeader usoHeader(byte[] packet, int gsoSize) {
        int start = ipHeaderLength(packet);
        return header(
                VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                VirtioNetHeader.GSO_UDP_L4,
                start + 8,
                gsoSize,
                start,
                6);
    }

    static VirtioNetHeader header(
            int flags, int gsoType, int headerLength, int gsoSize, int start, int offset) {
        return new VirtioNetHeader()
                .wrap(ByteBuffer.allocate(VirtioNetHeader.LENGTH), 0)
                .set(flags, gsoType, headerLength, gsoSize, start, offset);
    }
}

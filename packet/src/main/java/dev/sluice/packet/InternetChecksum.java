package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * 16-bit words, full and incremental (RFC 1624), with the IPv4 (RFC 9293 section 3.1, RFC 768) and
 * IPv6 (RFC 8200 section 8.1) pseudo-headers.
 *
 * <p>Partial sums are carried as non-negative {@code long} accumulators that callers may add
 * together before {@link #fold}ing; a sum of up to 2^31 bytes cannot overflow. Stateless,
 * allocation-free, safe from any thread. Reads 8 bytes at a time where it can.
 */
public final class InternetChecksum {
    private InternetChecksum() {}

    /**
     * Unfolded sum of the 16-bit big-endian words in {@code buffer[offset, offset + length)}; an
     * odd last byte is padded with zero on the right (RFC 1071 section 4.1).
     */
    public static long sum(ByteBuffer buffer, int offset, int length) {
        long accumulator = 0;
        int at = offset;
        int end = offset + length;
        while (end - at >= 8) {
            long word = buffer.getLong(at);
            accumulator += (word >>> 32) + (word & 0xffffffffL);
            at += 8;
        }
        if (end - at >= 4) {
            accumulator += buffer.getInt(at) & 0xffffffffL;
            at += 4;
        }
        if (end - at >= 2) {
            accumulator += buffer.getShort(at) & 0xffff;
            at += 2;
        }
        if (at < end) {
            accumulator += (buffer.get(at) & 0xff) << 8;
        }
        return accumulator;
    }

    /** Folds an accumulator to 16 bits (end-around carry), without complementing. */
    public static int fold(long accumulator) {
        long folded = (accumulator & 0xffffffffL) + (accumulator >>> 32);
        folded = (folded & 0xffff) + (folded >>> 16);
        folded = (folded & 0xffff) + (folded >>> 16);
        folded = (folded & 0xffff) + (folded >>> 16);
        return (int) folded;
    }

    /** The checksum to store for the bytes given (their field already zeroed): ~fold(sum). */
    public static int compute(ByteBuffer buffer, int offset, int length) {
        return ~fold(sum(buffer, offset, length)) & 0xffff;
    }

    /** Completes a checksum from an accumulator: the one's complement of its fold. */
    public static int finish(long accumulator) {
        return ~fold(accumulator) & 0xffff;
    }

    /** Sum of the IPv4 pseudo-header: source, destination, zero, protocol, upper-layer length. */
    public static long pseudoHeaderSumV4(int source, int destination, int protocol, int length) {
        return (source >>> 16)
                + (source & 0xffff)
                + (destination >>> 16)
                + (destination & 0xffff)
                + protocol
                + length;
    }

    /** Sum of the IPv6 pseudo-header: both addresses, 32-bit upper-layer length, next header. */
    public static long pseudoHeaderSumV6(
            long sourceHigh,
            long sourceLow,
            long destinationHigh,
            long destinationLow,
            int protocol,
            int length) {
        return halves(sourceHigh)
                + halves(sourceLow)
                + halves(destinationHigh)
                + halves(destinationLow)
                + protocol
                + (length & 0xffffffffL);
    }

    private static long halves(long value) {
        return (value >>> 32) + (value & 0xffffffffL);
    }

    /**
     * The pseudo-header sum for the transport payload of a decoded packet (IPv4 or IPv6), with the
     * upper-layer length {@code transportLength}.
     */
    public static long pseudoHeaderSum(ParsedPacket packet, int protocol, int transportLength) {
        if (packet.isIpv4()) {
            return pseudoHeaderSumV4(
                    packet.sourceV4(), packet.destinationV4(), protocol, transportLength);
        }
        return pseudoHeaderSumV6(
                packet.sourceHigh(),
                packet.sourceLow(),
                packet.destinationHigh(),
                packet.destinationLow(),
                protocol,
                transportLength);
    }

    /**
     * Recomputes the checksum of a decoded packet's TCP, UDP or ICMP/ICMPv6 message in place
     * (pseudo-header included where the protocol has one) and returns the value stored. A UDP
     * checksum that computes to zero is stored as 0xffff (RFC 768).
     */
    public static int updateTransportChecksum(ParsedPacket packet) {
        ByteBuffer buffer = packet.buffer();
        int at = packet.transportOffset();
        int length = packet.transportLength();
        int protocol = packet.protocol();
        int fieldOffset =
                switch (protocol) {
                    case IpProtocol.TCP -> TcpHeader.CHECKSUM_OFFSET;
                    case IpProtocol.UDP -> UdpHeader.CHECKSUM_OFFSET;
                    default -> IcmpHeader.CHECKSUM_OFFSET;
                };
        buffer.putShort(at + fieldOffset, (short) 0);
        long accumulator = sum(buffer, at, length);
        if (protocol != IpProtocol.ICMP) {
            accumulator += pseudoHeaderSum(packet, protocol, length);
        }
        int checksum = finish(accumulator);
        if (protocol == IpProtocol.UDP && checksum == 0) {
            checksum = 0xffff;
        }
        buffer.putShort(at + fieldOffset, (short) checksum);
        return checksum;
    }

    /**
     * True when the decoded packet's transport checksum verifies (sums to 0xffff with the
     * pseudo-header); a UDP-over-IPv4 checksum of zero means "not computed" and verifies.
     */
    public static boolean verifyTransportChecksum(ParsedPacket packet) {
        ByteBuffer buffer = packet.buffer();
        int at = packet.transportOffset();
        int length = packet.transportLength();
        int protocol = packet.protocol();
        if (protocol == IpProtocol.UDP
                && packet.isIpv4()
                && buffer.getShort(at + UdpHeader.CHECKSUM_OFFSET) == 0) {
            return true;
        }
        long accumulator = sum(buffer, at, length);
        if (protocol != IpProtocol.ICMP) {
            accumulator += pseudoHeaderSum(packet, protocol, length);
        }
        return fold(accumulator) == 0xffff;
    }

    /**
     * RFC 1624 equation 3: the checksum after one 16-bit word of the covered data changed from
     * {@code oldWord} to {@code newWord}: HC' = ~(~HC + ~m + m').
     */
    public static int adjust(int checksum, int oldWord, int newWord) {
        long accumulator = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return finish(accumulator);
    }

    /** {@link #adjust} for a 32-bit field (an IPv4 address) that changed as a whole. */
    public static int adjust32(int checksum, int oldValue, int newValue) {
        long accumulator =
                (~checksum & 0xffff)
                        + (~(oldValue >>> 16) & 0xffff)
                        + (~oldValue & 0xffff)
                        + (newValue >>> 16)
                        + (newValue & 0xffff);
        return finish(accumulator);
    }
}

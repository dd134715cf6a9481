package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * TCP MSS clamping: lowers the Maximum Segment Size option of a SYN (RFC 9293 section 3.7.1) so
 * that segments fit the tunnel MTU without fragmentation, and patches the TCP checksum
 * incrementally (RFC 1624). Stateless, allocation-free, safe from any thread.
 */
public final class MssClamp {
    private MssClamp() {}

    /** Largest MSS that fits an IPv4 packet of {@code mtu} bytes (20-byte IP + 20-byte TCP). */
    public static int maxMssV4(int mtu) {
        return mtu - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH;
    }

    /** Largest MSS that fits an IPv6 packet of {@code mtu} bytes (40-byte IP + 20-byte TCP). */
    public static int maxMssV6(int mtu) {
        return mtu - Ipv6Header.LENGTH - TcpHeader.MIN_LENGTH;
    }

    /**
     * Clamps the MSS option of {@code packet} (decoded OK) to at most {@code maxMss} when it is a
     * TCP segment with SYN set whose option is larger.
     *
     * @return true when the packet was changed
     */
    public static boolean clampSyn(ParsedPacket packet, int maxMss) {
        if (packet.protocol() != IpProtocol.TCP
                || !packet.hasTransportHeader()
                || (packet.tcpFlags() & TcpHeader.FLAG_SYN) == 0) {
            return false;
        }
        ByteBuffer buffer = packet.buffer();
        int tcp = packet.transportOffset();
        int valueOffset = TcpHeader.mssValueOffset(buffer, tcp);
        if (valueOffset < 0) {
            return false;
        }
        int oldMss = buffer.getShort(valueOffset) & 0xffff;
        if (oldMss <= maxMss) {
            return false;
        }
        buffer.putShort(valueOffset, (short) maxMss);
        // The checksum covers 16-bit words aligned to the TCP header start; the MSS value sits at
        // an even or odd distance from it depending on preceding NOPs.
        int oldChecksum = buffer.getShort(tcp + TcpHeader.CHECKSUM_OFFSET) & 0xffff;
        int newChecksum;
        if (((valueOffset - tcp) & 1) == 0) {
            newChecksum = InternetChecksum.adjust(oldChecksum, oldMss, maxMss);
        } else {
            int wordStart = valueOffset - 1;
            int before = buffer.get(wordStart) & 0xff;
            int after = buffer.get(valueOffset + 2) & 0xff;
            newChecksum =
                    InternetChecksum.adjust32(
                            oldChecksum,
                            (before << 24) | (oldMss << 8) | after,
                            (before << 24) | (maxMss << 8) | after);
        }
        buffer.putShort(tcp + TcpHeader.CHECKSUM_OFFSET, (short) newChecksum);
        return true;
    }
}

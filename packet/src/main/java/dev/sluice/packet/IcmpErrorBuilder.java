package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Builds the ICMP error a router would send about an offending packet, ready to be written into the
 * tun so the local application fails fast: destination unreachable and fragmentation needed
 * (ICMPv4, RFC 792 / RFC 1191), destination unreachable and packet too big (ICMPv6, RFC 4443).
 *
 * <p>The error comes from the offending packet's destination and goes to its source. It quotes as
 * much of the offending packet as fits in 576 bytes for IPv4 (RFC 1812 section 4.3.2.3, which
 * extends RFC 792's "header plus 64 bits") and in the IPv6 minimum MTU of 1280 bytes (RFC 4443
 * section 2.4(c)).
 *
 * <p>No error is built (the methods return 0) where RFC 1122 section 3.2.2 and RFC 4443 section
 * 2.4(e) forbid one: about an ICMP error, a non-first fragment, a packet to a multicast or
 * broadcast address (except Packet Too Big, which RFC 4443 allows for multicast), or a packet from
 * an address that is not a unicast host; also when {@code out} has too little room.
 *
 * <p>Stateless, allocation-free, safe from any thread; {@code out} must not overlap the offending
 * packet.
 */
public final class IcmpErrorBuilder {
    /** Largest IPv4 ICMP error (RFC 1812 section 4.3.2.3). */
    public static final int V4_MAX_ERROR_LENGTH = 576;

    /** Largest ICMPv6 error: the IPv6 minimum link MTU (RFC 8200 section 5). */
    public static final int V6_MAX_ERROR_LENGTH = 1280;

    private static final int V4_HEADERS = Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH;
    private static final int V6_HEADERS = Ipv6Header.LENGTH + IcmpHeader.LENGTH;
    private static final int ERROR_HOP_LIMIT = 64;

    private IcmpErrorBuilder() {}

    /**
     * Writes a destination-unreachable error about {@code offending} (decoded OK) at {@code
     * out[outOffset]}.
     *
     * @return bytes written, or 0 when no error may be sent (see class doc)
     */
    public static int destinationUnreachable(
            ParsedPacket offending, UnreachableReason reason, ByteBuffer out, int outOffset) {
        if (offending.isIpv4()) {
            return buildV4(
                    offending,
                    IcmpHeader.V4_DESTINATION_UNREACHABLE,
                    reason.v4Code(),
                    0,
                    out,
                    outOffset);
        }
        return buildV6(
                offending,
                IcmpHeader.V6_DESTINATION_UNREACHABLE,
                reason.v6Code(),
                0,
                out,
                outOffset);
    }

    /**
     * Writes an ICMPv4 "fragmentation needed and DF set" (with the next-hop MTU, RFC 1191 section
     * 4) or an ICMPv6 Packet Too Big (RFC 4443 section 3.2) about {@code offending}.
     *
     * @return bytes written, or 0 when no error may be sent (see class doc)
     */
    public static int packetTooBig(ParsedPacket offending, int mtu, ByteBuffer out, int outOffset) {
        if (offending.isIpv4()) {
            return buildV4(
                    offending,
                    IcmpHeader.V4_DESTINATION_UNREACHABLE,
                    IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED,
                    mtu & 0xffff,
                    out,
                    outOffset);
        }
        return buildV6(offending, IcmpHeader.V6_PACKET_TOO_BIG, 0, mtu, out, outOffset);
    }

    private static int buildV4(
            ParsedPacket offending, int type, int code, int rest, ByteBuffer out, int outOffset) {
        if (!mayAnswerV4(offending)) {
            return 0;
        }
        int quote = Math.min(offending.length(), V4_MAX_ERROR_LENGTH - V4_HEADERS);
        int total = V4_HEADERS + quote;
        if (outOffset < 0 || out.limit() - outOffset < total) {
            return 0;
        }
        int icmp = outOffset + Ipv4Header.MIN_LENGTH;
        out.put(icmp + IcmpHeader.LENGTH, offending.buffer(), offending.offset(), quote);
        out.put(icmp + IcmpHeader.TYPE_OFFSET, (byte) type);
        out.put(icmp + IcmpHeader.CODE_OFFSET, (byte) code);
        out.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short) 0);
        out.putInt(icmp + IcmpHeader.REST_OFFSET, rest);
        out.putShort(
                icmp + IcmpHeader.CHECKSUM_OFFSET,
                (short) InternetChecksum.compute(out, icmp, IcmpHeader.LENGTH + quote));

        out.put(outOffset + Ipv4Header.VERSION_IHL_OFFSET, (byte) 0x45);
        out.put(outOffset + Ipv4Header.TOS_OFFSET, (byte) 0xc0); // internetwork control
        out.putShort(outOffset + Ipv4Header.TOTAL_LENGTH_OFFSET, (short) total);
        out.putInt(outOffset + Ipv4Header.IDENTIFICATION_OFFSET, 0);
        out.put(outOffset + Ipv4Header.TTL_OFFSET, (byte) ERROR_HOP_LIMIT);
        out.put(outOffset + Ipv4Header.PROTOCOL_OFFSET, (byte) IpProtocol.ICMP);
        out.putShort(outOffset + Ipv4Header.CHECKSUM_OFFSET, (short) 0);
        out.putInt(outOffset + Ipv4Header.SOURCE_OFFSET, offending.destinationV4());
        out.putInt(outOffset + Ipv4Header.DESTINATION_OFFSET, offending.sourceV4());
        out.putShort(
                outOffset + Ipv4Header.CHECKSUM_OFFSET,
                (short) InternetChecksum.compute(out, outOffset, Ipv4Header.MIN_LENGTH));
        return total;
    }

    private static int buildV6(
            ParsedPacket offending, int type, int code, int rest, ByteBuffer out, int outOffset) {
        if (!mayAnswerV6(offending, type == IcmpHeader.V6_PACKET_TOO_BIG)) {
            return 0;
        }
        int quote = Math.min(offending.length(), V6_MAX_ERROR_LENGTH - V6_HEADERS);
        int total = V6_HEADERS + quote;
        if (outOffset < 0 || out.limit() - outOffset < total) {
            return 0;
        }
        int icmpLength = IcmpHeader.LENGTH + quote;
        out.putInt(outOffset + Ipv6Header.VERSION_CLASS_FLOW_OFFSET, 6 << 28);
        out.putShort(outOffset + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short) icmpLength);
        out.put(outOffset + Ipv6Header.NEXT_HEADER_OFFSET, (byte) IpProtocol.ICMPV6);
        out.put(outOffset + Ipv6Header.HOP_LIMIT_OFFSET, (byte) ERROR_HOP_LIMIT);
        out.putLong(outOffset + Ipv6Header.SOURCE_OFFSET, offending.destinationHigh());
        out.putLong(outOffset + Ipv6Header.SOURCE_OFFSET + 8, offending.destinationLow());
        out.putLong(outOffset + Ipv6Header.DESTINATION_OFFSET, offending.sourceHigh());
        out.putLong(outOffset + Ipv6Header.DESTINATION_OFFSET + 8, offending.sourceLow());

        int icmp = outOffset + Ipv6Header.LENGTH;
        out.put(icmp + IcmpHeader.LENGTH, offending.buffer(), offending.offset(), quote);
        out.put(icmp + IcmpHeader.TYPE_OFFSET, (byte) type);
        out.put(icmp + IcmpHeader.CODE_OFFSET, (byte) code);
        out.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short) 0);
        out.putInt(icmp + IcmpHeader.REST_OFFSET, rest);
        long accumulator =
                InternetChecksum.sum(out, icmp, icmpLength)
                        + InternetChecksum.pseudoHeaderSumV6(
                                offending.destinationHigh(),
                                offending.destinationLow(),
                                offending.sourceHigh(),
                                offending.sourceLow(),
                                IpProtocol.ICMPV6,
                                icmpLength);
        out.putShort(
                icmp + IcmpHeader.CHECKSUM_OFFSET, (short) InternetChecksum.finish(accumulator));
        return total;
    }

    private static boolean mayAnswerV4(ParsedPacket offending) {
        if (offending.fragmentOffsetBytes() != 0) {
            return false;
        }
        if (offending.protocol() == IpProtocol.ICMP
                && offending.hasTransportHeader()
                && IcmpHeader.isV4Error(offending.icmpType())) {
            return false;
        }
        return isV4UnicastHost(offending.sourceV4()) && isV4UnicastHost(offending.destinationV4());
    }

    /** Not 0.0.0.0/8, loopback, multicast, class E or limited broadcast. */
    private static boolean isV4UnicastHost(int address) {
        int firstOctet = address >>> 24;
        return firstOctet != 0 && firstOctet != 127 && firstOctet < 224;
    }

    private static boolean mayAnswerV6(ParsedPacket offending, boolean packetTooBig) {
        if (offending.fragmentOffsetBytes() != 0) {
            return false;
        }
        if (offending.protocol() == IpProtocol.ICMPV6
                && offending.hasTransportHeader()
                && IcmpHeader.isV6Error(offending.icmpType())) {
            return false;
        }
        boolean sourceUnspecified = offending.sourceHigh() == 0 && offending.sourceLow() == 0;
        if (sourceUnspecified || isV6Multicast(offending.sourceHigh())) {
            return false;
        }
        return packetTooBig || !isV6Multicast(offending.destinationHigh());
    }

    private static boolean isV6Multicast(long high) {
        return (high >>> 56) == 0xff;
    }
}

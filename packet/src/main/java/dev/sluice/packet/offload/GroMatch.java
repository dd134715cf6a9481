package dev.sluice.packet.offload;

import dev.sluice.packet.Ipv4Header;
import dev.sluice.packet.Ipv6Header;
import dev.sluice.packet.TcpHeader;
import java.nio.ByteBuffer;

/**
 * The header comparisons that decide whether a packet may join a super-packet: each compares the
 * super-packet's first packet {@code a} with the candidate {@code b}, both given as buffer and
 * absolute offsets. The rules follow the kernel's own GRO ({@code inet_gro_receive}, {@code
 * ipv6_gro_receive}, {@code tcp_gro_receive}), so that cutting the super-packet again gives back
 * exactly the packets that went in. Stateless, allocation-free, safe from any thread.
 */
final class GroMatch {
    /** The super-packet has one segment: its identification sequence is not known yet. */
    static final int ID_UNKNOWN = 0;

    /** IPv4 identifications go up by one per segment (what segmentation recreates). */
    static final int ID_INCREMENTING = 1;

    /** IPv4 identifications are all equal, allowed with DF (RFC 6864 section 4.1). */
    static final int ID_FIXED = 2;

    private GroMatch() {}

    /** Same IP version, addresses, protocol and ports: the same flow. */
    static boolean sameFlow(
            ByteBuffer a, int aAt, int aTransport, ByteBuffer b, int bAt, int bTransport) {
        int version = a.get(aAt) & 0xf0;
        if (version != (b.get(bAt) & 0xf0) || a.getInt(aTransport) != b.getInt(bTransport)) {
            return false;
        }
        if (version == 0x40) {
            return a.get(aAt + Ipv4Header.PROTOCOL_OFFSET)
                            == b.get(bAt + Ipv4Header.PROTOCOL_OFFSET)
                    && a.getLong(aAt + Ipv4Header.SOURCE_OFFSET)
                            == b.getLong(bAt + Ipv4Header.SOURCE_OFFSET);
        }
        return a.get(aAt + Ipv6Header.NEXT_HEADER_OFFSET)
                        == b.get(bAt + Ipv6Header.NEXT_HEADER_OFFSET)
                && equalBytes(
                        a, aAt + Ipv6Header.SOURCE_OFFSET, b, bAt + Ipv6Header.SOURCE_OFFSET, 32);
    }

    /**
     * IPv4: TOS, TTL and the flags word equal, and {@code b}'s identification the one that follows
     * {@code segments} segments in {@code idMode}; IPv6: version, traffic class, flow label and hop
     * limit equal.
     */
    static boolean sameNetworkFields(
            ByteBuffer a, int aAt, ByteBuffer b, int bAt, int segments, int idMode) {
        if ((a.get(aAt) & 0xf0) == 0x60) {
            return a.getInt(aAt) == b.getInt(bAt)
                    && a.get(aAt + Ipv6Header.HOP_LIMIT_OFFSET)
                            == b.get(bAt + Ipv6Header.HOP_LIMIT_OFFSET);
        }
        int flags = a.getShort(aAt + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
        if (a.get(aAt + Ipv4Header.TOS_OFFSET) != b.get(bAt + Ipv4Header.TOS_OFFSET)
                || a.get(aAt + Ipv4Header.TTL_OFFSET) != b.get(bAt + Ipv4Header.TTL_OFFSET)
                || flags != b.getShort(bAt + Ipv4Header.FLAGS_FRAGMENT_OFFSET)) {
            return false;
        }
        int first = identification(a, aAt);
        int id = identification(b, bAt);
        boolean incrementing = id == ((first + segments) & 0xffff);
        boolean fixed = id == first && (flags & Ipv4Header.FLAG_DONT_FRAGMENT) != 0;
        return switch (idMode) {
            case ID_INCREMENTING -> incrementing;
            case ID_FIXED -> fixed;
            default -> incrementing || fixed;
        };
    }

    /** The identification mode a second segment {@code b} sets after the first, {@code a}. */
    static int idMode(ByteBuffer a, int aAt, ByteBuffer b, int bAt) {
        return identification(a, aAt) == identification(b, bAt) ? ID_FIXED : ID_INCREMENTING;
    }

    /**
     * TCP: the same header length, acknowledgment number, window and option bytes (everything but
     * sequence, flags and checksum, which the super-packet's own header stands for).
     */
    static boolean sameTcpHeaderRest(
            ByteBuffer a, int aTcp, int aHeaderLength, ByteBuffer b, int bTcp, int bHeaderLength) {
        return aHeaderLength == bHeaderLength
                && a.getInt(aTcp + TcpHeader.ACKNOWLEDGMENT_OFFSET)
                        == b.getInt(bTcp + TcpHeader.ACKNOWLEDGMENT_OFFSET)
                && a.getShort(aTcp + TcpHeader.WINDOW_OFFSET)
                        == b.getShort(bTcp + TcpHeader.WINDOW_OFFSET)
                && equalBytes(
                        a,
                        aTcp + TcpHeader.OPTIONS_OFFSET,
                        b,
                        bTcp + TcpHeader.OPTIONS_OFFSET,
                        aHeaderLength - TcpHeader.MIN_LENGTH);
    }

    private static int identification(ByteBuffer buffer, int at) {
        return buffer.getShort(at + Ipv4Header.IDENTIFICATION_OFFSET) & 0xffff;
    }

    private static boolean equalBytes(ByteBuffer a, int aAt, ByteBuffer b, int bAt, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (a.getLong(aAt + i) != b.getLong(bAt + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.get(aAt + i) != b.get(bAt + i)) {
                return false;
            }
        }
        return true;
    }
}

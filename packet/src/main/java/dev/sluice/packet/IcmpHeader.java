package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over the common first eight octets of ICMPv4 (RFC 792) and ICMPv6 (RFC 4443 section
 * 2.1) messages; the second word is message-specific (echo identifier and sequence, next-hop MTU,
 * packet-too-big MTU, unused).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    message-specific word                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            invoking packet or echo data, as type says         |
 * </pre>
 *
 * <p>ICMPv4 checksums cover the ICMP message only; ICMPv6 checksums also cover the IPv6
 * pseudo-header (RFC 4443 section 2.3). Allocation-free; one owner thread at a time.
 */
public final class IcmpHeader {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int REST_OFFSET = 4;
    public static final int LENGTH = 8;

    /** ICMPv4 types (RFC 792). */
    public static final int V4_ECHO_REPLY = 0;

    public static final int V4_DESTINATION_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;

    /** ICMPv4 destination-unreachable codes (RFC 792, RFC 1812 section 5.2.7.1). */
    public static final int V4_CODE_HOST_UNREACHABLE = 1;

    public static final int V4_CODE_FRAGMENTATION_NEEDED = 4;
    public static final int V4_CODE_ADMINISTRATIVELY_PROHIBITED = 13;

    /** ICMPv6 types (RFC 4443); types below 128 are errors. */
    public static final int V6_DESTINATION_UNREACHABLE = 1;

    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    /** ICMPv6 destination-unreachable codes (RFC 4443 section 3.1). */
    public static final int V6_CODE_ADMINISTRATIVELY_PROHIBITED = 1;

    public static final int V6_CODE_ADDRESS_UNREACHABLE = 3;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the message starting at {@code offset}; returns {@code this}. */
    public IcmpHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int type() {
        return buffer.get(offset + TYPE_OFFSET) & 0xff;
    }

    public IcmpHeader type(int type) {
        buffer.put(offset + TYPE_OFFSET, (byte) type);
        return this;
    }

    public int code() {
        return buffer.get(offset + CODE_OFFSET) & 0xff;
    }

    public IcmpHeader code(int code) {
        buffer.put(offset + CODE_OFFSET, (byte) code);
        return this;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public IcmpHeader checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
        return this;
    }

    /** The message-specific second word. */
    public int rest() {
        return buffer.getInt(offset + REST_OFFSET);
    }

    public IcmpHeader rest(int rest) {
        buffer.putInt(offset + REST_OFFSET, rest);
        return this;
    }

    /** True for ICMPv4 error types (RFC 1122 section 3.2.2: never answer these with an error). */
    public static boolean isV4Error(int type) {
        return type == V4_DESTINATION_UNREACHABLE
                || type == V4_SOURCE_QUENCH
                || type == V4_REDIRECT
                || type == V4_TIME_EXCEEDED
                || type == V4_PARAMETER_PROBLEM;
    }

    /** True for ICMPv6 error types (RFC 4443 section 2.1: types 0..127). */
    public static boolean isV6Error(int type) {
        return type < 128;
    }
}

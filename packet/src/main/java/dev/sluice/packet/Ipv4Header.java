package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over an IPv4 header (RFC 791 section 3.1) in a {@link ByteBuffer}, absolute access in
 * network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Accessors do no validation: {@link PacketDecoder} checks lengths before anyone reads fields.
 * Allocation-free; one owner thread at a time.
 */
public final class Ipv4Header {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;

    /** Length of a header without options (IHL = 5). */
    public static final int MIN_LENGTH = 20;

    /** Largest header: IHL = 15. */
    public static final int MAX_LENGTH = 60;

    /** Don't Fragment flag within the flags/fragment-offset word. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;

    /** More Fragments flag within the flags/fragment-offset word. */
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;

    /** Fragment offset (in 8-octet units) within the flags/fragment-offset word. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the header starting at {@code offset}; returns {@code this}. */
    public Ipv4Header wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset() {
        return offset;
    }

    public int version() {
        return (buffer.get(offset + VERSION_IHL_OFFSET) & 0xff) >>> 4;
    }

    /** Header length in bytes (IHL times four). */
    public int headerLength() {
        return (buffer.get(offset + VERSION_IHL_OFFSET) & 0x0f) << 2;
    }

    /** Writes version 4 and the given header length in bytes (a multiple of 4, 20..60). */
    public Ipv4Header versionAndHeaderLength(int headerLengthBytes) {
        buffer.put(offset + VERSION_IHL_OFFSET, (byte) (0x40 | (headerLengthBytes >>> 2)));
        return this;
    }

    public int tos() {
        return buffer.get(offset + TOS_OFFSET) & 0xff;
    }

    public Ipv4Header tos(int tos) {
        buffer.put(offset + TOS_OFFSET, (byte) tos);
        return this;
    }

    public int totalLength() {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET) & 0xffff;
    }

    public Ipv4Header totalLength(int totalLength) {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short) totalLength);
        return this;
    }

    public int identification() {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET) & 0xffff;
    }

    public Ipv4Header identification(int identification) {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short) identification);
        return this;
    }

    /** The raw 16-bit flags and fragment-offset word. */
    public int flagsAndFragmentOffset() {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET) & 0xffff;
    }

    public Ipv4Header flagsAndFragmentOffset(int word) {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short) word);
        return this;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffsetBytes() {
        return (flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK) << 3;
    }

    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & FLAG_MORE_FRAGMENTS) != 0;
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DONT_FRAGMENT) != 0;
    }

    public int ttl() {
        return buffer.get(offset + TTL_OFFSET) & 0xff;
    }

    public Ipv4Header ttl(int ttl) {
        buffer.put(offset + TTL_OFFSET, (byte) ttl);
        return this;
    }

    public int protocol() {
        return buffer.get(offset + PROTOCOL_OFFSET) & 0xff;
    }

    public Ipv4Header protocol(int protocol) {
        buffer.put(offset + PROTOCOL_OFFSET, (byte) protocol);
        return this;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public Ipv4Header checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
        return this;
    }

    /** Source address as a 32-bit integer in network order (first octet in the high byte). */
    public int source() {
        return buffer.getInt(offset + SOURCE_OFFSET);
    }

    public Ipv4Header source(int address) {
        buffer.putInt(offset + SOURCE_OFFSET, address);
        return this;
    }

    public int destination() {
        return buffer.getInt(offset + DESTINATION_OFFSET);
    }

    public Ipv4Header destination(int address) {
        buffer.putInt(offset + DESTINATION_OFFSET, address);
        return this;
    }

    /** Recomputes and stores the header checksum over {@link #headerLength()} bytes. */
    public Ipv4Header updateChecksum() {
        checksum(0);
        checksum(InternetChecksum.compute(buffer, offset, headerLength()));
        return this;
    }
}

package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over the fixed IPv6 header (RFC 8200 section 3), absolute access in network byte order.
 * Addresses are exposed as two {@code long}s each (high and low 64 bits).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Source Address (128)                  +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                      Destination Address (128)                +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Allocation-free; one owner thread at a time.
 */
public final class Ipv6Header {
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;

    /** The fixed header; extension headers follow it. */
    public static final int LENGTH = 40;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the header starting at {@code offset}; returns {@code this}. */
    public Ipv6Header wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset() {
        return offset;
    }

    public int version() {
        return (buffer.get(offset) & 0xff) >>> 4;
    }

    /** Writes version 6, the traffic class and the 20-bit flow label. */
    public Ipv6Header versionClassFlow(int trafficClass, int flowLabel) {
        buffer.putInt(
                offset + VERSION_CLASS_FLOW_OFFSET,
                (6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xfffff));
        return this;
    }

    public int trafficClass() {
        return (buffer.getInt(offset) >>> 20) & 0xff;
    }

    public int flowLabel() {
        return buffer.getInt(offset) & 0xfffff;
    }

    public int payloadLength() {
        return buffer.getShort(offset + PAYLOAD_LENGTH_OFFSET) & 0xffff;
    }

    public Ipv6Header payloadLength(int payloadLength) {
        buffer.putShort(offset + PAYLOAD_LENGTH_OFFSET, (short) payloadLength);
        return this;
    }

    public int nextHeader() {
        return buffer.get(offset + NEXT_HEADER_OFFSET) & 0xff;
    }

    public Ipv6Header nextHeader(int nextHeader) {
        buffer.put(offset + NEXT_HEADER_OFFSET, (byte) nextHeader);
        return this;
    }

    public int hopLimit() {
        return buffer.get(offset + HOP_LIMIT_OFFSET) & 0xff;
    }

    public Ipv6Header hopLimit(int hopLimit) {
        buffer.put(offset + HOP_LIMIT_OFFSET, (byte) hopLimit);
        return this;
    }

    public long sourceHigh() {
        return buffer.getLong(offset + SOURCE_OFFSET);
    }

    public long sourceLow() {
        return buffer.getLong(offset + SOURCE_OFFSET + 8);
    }

    public Ipv6Header source(long high, long low) {
        buffer.putLong(offset + SOURCE_OFFSET, high);
        buffer.putLong(offset + SOURCE_OFFSET + 8, low);
        return this;
    }

    public long destinationHigh() {
        return buffer.getLong(offset + DESTINATION_OFFSET);
    }

    public long destinationLow() {
        return buffer.getLong(offset + DESTINATION_OFFSET + 8);
    }

    public Ipv6Header destination(long high, long low) {
        buffer.putLong(offset + DESTINATION_OFFSET, high);
        buffer.putLong(offset + DESTINATION_OFFSET + 8, low);
        return this;
    }
}

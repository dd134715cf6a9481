package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over the IPv6 Fragment header (RFC 8200 section 4.5).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Allocation-free; one owner thread at a time.
 */
public final class Ipv6FragmentHeader {
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int OFFSET_FLAGS_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int LENGTH = 8;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the fragment header starting at {@code offset}; returns {@code this}. */
    public Ipv6FragmentHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int nextHeader() {
        return buffer.get(offset + NEXT_HEADER_OFFSET) & 0xff;
    }

    public Ipv6FragmentHeader nextHeader(int nextHeader) {
        buffer.put(offset + NEXT_HEADER_OFFSET, (byte) nextHeader);
        return this;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffsetBytes() {
        return buffer.getShort(offset + OFFSET_FLAGS_OFFSET) & 0xfff8;
    }

    public boolean moreFragments() {
        return (buffer.getShort(offset + OFFSET_FLAGS_OFFSET) & 1) != 0;
    }

    /** Writes the fragment offset (bytes, a multiple of 8) and the M flag. */
    public Ipv6FragmentHeader fragment(int offsetBytes, boolean moreFragments) {
        buffer.put(offset + 1, (byte) 0);
        buffer.putShort(
                offset + OFFSET_FLAGS_OFFSET,
                (short) ((offsetBytes & 0xfff8) | (moreFragments ? 1 : 0)));
        return this;
    }

    public int identification() {
        return buffer.getInt(offset + IDENTIFICATION_OFFSET);
    }

    public Ipv6FragmentHeader identification(int identification) {
        buffer.putInt(offset + IDENTIFICATION_OFFSET, identification);
        return this;
    }
}

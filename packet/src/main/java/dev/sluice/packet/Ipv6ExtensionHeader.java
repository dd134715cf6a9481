package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over one IPv6 extension header (RFC 8200 section 4) of the kinds that share the generic
 * layout: Hop-by-Hop Options, Routing, Destination Options (length in 8-octet units, not counting
 * the first 8) and the Authentication Header (RFC 4302: length in 4-octet units, minus 2).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * .                 type-specific data (options, ...)             .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Allocation-free; one owner thread at a time.
 */
public final class Ipv6ExtensionHeader {
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int LENGTH_OFFSET = 1;

    /** Every extension header is at least 8 octets long. */
    public static final int MIN_LENGTH = 8;

    private ByteBuffer buffer;
    private int offset;

    /**
     * Points this view at the extension header starting at {@code offset}; returns {@code this}.
     */
    public Ipv6ExtensionHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int nextHeader() {
        return buffer.get(offset + NEXT_HEADER_OFFSET) & 0xff;
    }

    public Ipv6ExtensionHeader nextHeader(int nextHeader) {
        buffer.put(offset + NEXT_HEADER_OFFSET, (byte) nextHeader);
        return this;
    }

    /** The raw Hdr Ext Len octet. */
    public int lengthField() {
        return buffer.get(offset + LENGTH_OFFSET) & 0xff;
    }

    public Ipv6ExtensionHeader lengthField(int value) {
        buffer.put(offset + LENGTH_OFFSET, (byte) value);
        return this;
    }

    /**
     * Total length in bytes of an extension header of the given kind whose Hdr Ext Len octet is
     * {@code lengthField}.
     */
    public static int lengthBytes(int kind, int lengthField) {
        return kind == IpProtocol.AUTHENTICATION ? (lengthField + 2) << 2 : (lengthField + 1) << 3;
    }
}

package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over a UDP header (RFC 768).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Allocation-free; one owner thread at a time.
 */
public final class UdpHeader {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int LENGTH = 8;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the header starting at {@code offset}; returns {@code this}. */
    public UdpHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int sourcePort() {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xffff;
    }

    public UdpHeader sourcePort(int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
        return this;
    }

    public int destinationPort() {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xffff;
    }

    public UdpHeader destinationPort(int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
        return this;
    }

    /** Length of header plus data in bytes. */
    public int length() {
        return buffer.getShort(offset + LENGTH_OFFSET) & 0xffff;
    }

    public UdpHeader length(int length) {
        buffer.putShort(offset + LENGTH_OFFSET, (short) length);
        return this;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public UdpHeader checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
        return this;
    }
}

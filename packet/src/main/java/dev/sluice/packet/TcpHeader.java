package dev.sluice.packet;

import java.nio.ByteBuffer;

/**
 * Flyweight over a TCP header (RFC 9293 section 3.1), including its options.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Options are a sequence of kind octets; kinds 0 (end of list) and 1 (no-op) are one octet,
 * every other kind carries a length octet that counts kind and length. The Maximum Segment Size
 * option is kind 2, length 4 (RFC 9293 section 3.7.1). Allocation-free; one owner thread at a time.
 */
public final class TcpHeader {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;

    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_PSH = 0x08;
    public static final int FLAG_ACK = 0x10;
    public static final int FLAG_URG = 0x20;
    public static final int FLAG_ECE = 0x40;
    public static final int FLAG_CWR = 0x80;

    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_MSS_LENGTH = 4;

    private ByteBuffer buffer;
    private int offset;

    /** Points this view at the header starting at {@code offset}; returns {@code this}. */
    public TcpHeader wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset() {
        return offset;
    }

    public int sourcePort() {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xffff;
    }

    public TcpHeader sourcePort(int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
        return this;
    }

    public int destinationPort() {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xffff;
    }

    public TcpHeader destinationPort(int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
        return this;
    }

    public int sequence() {
        return buffer.getInt(offset + SEQUENCE_OFFSET);
    }

    public TcpHeader sequence(int sequence) {
        buffer.putInt(offset + SEQUENCE_OFFSET, sequence);
        return this;
    }

    public int acknowledgment() {
        return buffer.getInt(offset + ACKNOWLEDGMENT_OFFSET);
    }

    public TcpHeader acknowledgment(int acknowledgment) {
        buffer.putInt(offset + ACKNOWLEDGMENT_OFFSET, acknowledgment);
        return this;
    }

    /** Header length in bytes (data offset times four), options included. */
    public int headerLength() {
        return ((buffer.get(offset + DATA_OFFSET_OFFSET) & 0xff) >>> 4) << 2;
    }

    /** Writes the header length in bytes (a multiple of 4, 20..60). */
    public TcpHeader headerLength(int bytes) {
        buffer.put(offset + DATA_OFFSET_OFFSET, (byte) ((bytes >>> 2) << 4));
        return this;
    }

    /** The eight flag bits (CWR..FIN). */
    public int flags() {
        return buffer.get(offset + FLAGS_OFFSET) & 0xff;
    }

    public TcpHeader flags(int flags) {
        buffer.put(offset + FLAGS_OFFSET, (byte) flags);
        return this;
    }

    public int window() {
        return buffer.getShort(offset + WINDOW_OFFSET) & 0xffff;
    }

    public TcpHeader window(int window) {
        buffer.putShort(offset + WINDOW_OFFSET, (short) window);
        return this;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public TcpHeader checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
        return this;
    }

    public int urgentPointer() {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET) & 0xffff;
    }

    /**
     * Absolute offset of the MSS option's 16-bit value, or -1 when the options hold none or are
     * malformed (a length octet below 2 or running past the header). The walk is bounded by the
     * header length and never reads past it.
     */
    public int mssValueOffset() {
        return mssValueOffset(buffer, offset);
    }

    /** {@link #mssValueOffset()} for the TCP header at {@code tcpOffset}, without a flyweight. */
    public static int mssValueOffset(ByteBuffer buffer, int tcpOffset) {
        int end = tcpOffset + (((buffer.get(tcpOffset + DATA_OFFSET_OFFSET) & 0xff) >>> 4) << 2);
        int at = tcpOffset + OPTIONS_OFFSET;
        while (at < end) {
            int kind = buffer.get(at) & 0xff;
            if (kind == OPTION_END) {
                return -1;
            }
            if (kind == OPTION_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return -1;
            }
            int length = buffer.get(at + 1) & 0xff;
            if (length < 2 || at + length > end) {
                return -1;
            }
            if (kind == OPTION_MSS) {
                return length == OPTION_MSS_LENGTH ? at + 2 : -1;
            }
            at += length;
        }
        return -1;
    }

    /** The MSS option's value, or -1 when absent (see {@link #mssValueOffset()}). */
    public int mss() {
        int at = mssValueOffset();
        return at < 0 ? -1 : buffer.getShort(at) & 0xffff;
    }
}

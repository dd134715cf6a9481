package dev.sluice.daemon.platform.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one netlink message: the 16-byte {@code nlmsghdr}, a fixed family header (ifinfomsg,
 * ifaddrmsg, rtmsg, fib_rule_hdr) and route attributes ({@code rtattr}, 4-byte aligned), in host
 * byte order as netlink wants.
 *
 * <pre>
 * nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }
 * rtattr   { u16 len; u16 type; } data, padded to 4
 * </pre>
 */
final class NetlinkMessage {
    static final int HEADER_LENGTH = 16;

    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    private final ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private final int type;
    private final int flags;

    NetlinkMessage(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buffer.position(HEADER_LENGTH);
    }

    /** Appends the fixed family header. */
    NetlinkMessage header(byte[] fixed) {
        buffer.put(fixed);
        align();
        return this;
    }

    NetlinkMessage attribute(int attributeType, byte[] data) {
        buffer.putShort((short) (4 + data.length));
        buffer.putShort((short) attributeType);
        buffer.put(data);
        align();
        return this;
    }

    NetlinkMessage attributeInt(int attributeType, int value) {
        return attribute(
                attributeType,
                ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    NetlinkMessage attributeByte(int attributeType, int value) {
        return attribute(attributeType, new byte[] {(byte) value});
    }

    /** A NUL-terminated string attribute (interface names). */
    NetlinkMessage attributeString(int attributeType, String value) {
        byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[ascii.length + 1];
        System.arraycopy(ascii, 0, data, 0, ascii.length);
        return attribute(attributeType, data);
    }

    private void align() {
        while ((buffer.position() & 3) != 0) {
            buffer.put((byte) 0);
        }
    }

    int type() {
        return type;
    }

    /** The finished message with sequence number {@code sequence}. */
    byte[] build(int sequence) {
        int length = buffer.position();
        buffer.putInt(0, length);
        buffer.putShort(4, (short) type);
        buffer.putShort(6, (short) (flags | NLM_F_REQUEST));
        buffer.putInt(8, sequence);
        buffer.putInt(12, 0);
        byte[] out = new byte[length];
        buffer.get(0, out);
        return out;
    }

    /** A fixed header of {@code length} bytes to fill in. */
    static ByteBuffer fixed(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    }
}

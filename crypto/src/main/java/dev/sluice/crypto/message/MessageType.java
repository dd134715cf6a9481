package dev.sluice.crypto.message;

import java.nio.ByteBuffer;

/**
 * The first 4 bytes of every message: a type byte and three zero bytes (read as a little-endian
 * 32-bit value, so non-zero reserved bytes make the type unknown).
 */
public final class MessageType {
    public static final int INITIATION = 1;
    public static final int RESPONSE = 2;
    public static final int COOKIE_REPLY = 3;
    public static final int TRANSPORT = 4;

    private MessageType() {}

    /** The type of the message at {@code offset} (1-4), or -1 when unknown or too short. */
    public static int of(ByteBuffer buffer, int offset, int length) {
        if (length < 4) {
            return -1;
        }
        int word = LittleEndian.getInt(buffer, offset);
        return word >= INITIATION && word <= TRANSPORT ? word : -1;
    }

    /** Writes the type word. */
    public static void write(ByteBuffer buffer, int offset, int type) {
        LittleEndian.putInt(buffer, offset, type);
    }
}

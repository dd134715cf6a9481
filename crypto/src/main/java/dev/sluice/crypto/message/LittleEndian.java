package dev.sluice.crypto.message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian absolute access to buffers of either byte order. Allocation-free. */
public final class LittleEndian {
    private LittleEndian() {}

    public static int getInt(ByteBuffer buffer, int at) {
        int value = buffer.getInt(at);
        return buffer.order() == ByteOrder.LITTLE_ENDIAN ? value : Integer.reverseBytes(value);
    }

    public static void putInt(ByteBuffer buffer, int at, int value) {
        buffer.putInt(
                at,
                buffer.order() == ByteOrder.LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
    }

    public static long getLong(ByteBuffer buffer, int at) {
        long value = buffer.getLong(at);
        return buffer.order() == ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    public static void putLong(ByteBuffer buffer, int at, long value) {
        buffer.putLong(
                at, buffer.order() == ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value));
    }
}

package dev.sluice.crypto.message;

/**
 * Transport data (type 4): a 16-byte header, then the encrypted packet (padded to a multiple of 16
 * bytes) and its 16-byte tag. A keepalive carries an empty packet: 32 bytes in all.
 *
 * <pre>
 *   0  type = 4, 3 reserved zero bytes
 *   4  receiver index            u32 little-endian
 *   8  counter                   u64 little-endian (the AEAD nonce)
 *  16  encrypted packet + tag
 * </pre>
 */
public final class TransportMessage {
    public static final int RECEIVER_OFFSET = 4;
    public static final int COUNTER_OFFSET = 8;
    public static final int DATA_OFFSET = 16;
    public static final int HEADER_LENGTH = 16;
    public static final int MIN_LENGTH = HEADER_LENGTH + 16;

    /** Plaintext is padded to a multiple of this (whitepaper section 5.4.6). */
    public static final int PADDING = 16;

    private TransportMessage() {}

    /** The padded plaintext length for a packet of {@code length} bytes under {@code mtu}. */
    public static int paddedLength(int length, int mtu) {
        int padded = (length + PADDING - 1) & -PADDING;
        return Math.max(length, Math.min(padded, mtu));
    }
}

package dev.sluice.crypto.message;

/**
 * Handshake initiation (type 1), 148 bytes.
 *
 * <pre>
 *   0  type = 1, 3 reserved zero bytes
 *   4  sender index              u32 little-endian
 *   8  unencrypted ephemeral     32
 *  40  encrypted static          32 + 16 tag
 *  88  encrypted timestamp       12 + 16 tag
 * 116  mac1                      16   MAC over bytes [0, 116)
 * 132  mac2                      16   MAC over bytes [0, 132), or zeros
 * </pre>
 */
public final class InitiationMessage {
    public static final int SENDER_OFFSET = 4;
    public static final int EPHEMERAL_OFFSET = 8;
    public static final int STATIC_OFFSET = 40;
    public static final int STATIC_LENGTH = 48;
    public static final int TIMESTAMP_OFFSET = 88;
    public static final int TIMESTAMP_LENGTH = 28;
    public static final int MAC1_OFFSET = 116;
    public static final int MAC2_OFFSET = 132;
    public static final int LENGTH = 148;

    private InitiationMessage() {}
}

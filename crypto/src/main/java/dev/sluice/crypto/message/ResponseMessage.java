package dev.sluice.crypto.message;

/**
 * Handshake response (type 2), 92 bytes.
 *
 * <pre>
 *   0  type = 2, 3 reserved zero bytes
 *   4  sender index              u32 little-endian
 *   8  receiver index            u32 little-endian (the initiator's sender index)
 *  12  unencrypted ephemeral     32
 *  44  encrypted nothing         0 + 16 tag
 *  60  mac1                      16   MAC over bytes [0, 60)
 *  76  mac2                      16   MAC over bytes [0, 76), or zeros
 * </pre>
 */
public final class ResponseMessage {
    public static final int SENDER_OFFSET = 4;
    public static final int RECEIVER_OFFSET = 8;
    public static final int EPHEMERAL_OFFSET = 12;
    public static final int EMPTY_OFFSET = 44;
    public static final int EMPTY_LENGTH = 16;
    public static final int MAC1_OFFSET = 60;
    public static final int MAC2_OFFSET = 76;
    public static final int LENGTH = 92;

    private ResponseMessage() {}
}

package dev.sluice.crypto.message;

/**
 * Cookie reply (type 3), 64 bytes.
 *
 * <pre>
 *   0  type = 3, 3 reserved zero bytes
 *   4  receiver index            u32 little-endian (sender index of the message answered)
 *   8  nonce                     24
 *  32  encrypted cookie          16 + 16 tag
 * </pre>
 */
public final class CookieReplyMessage {
    public static final int RECEIVER_OFFSET = 4;
    public static final int NONCE_OFFSET = 8;
    public static final int COOKIE_OFFSET = 32;
    public static final int COOKIE_LENGTH = 32;
    public static final int LENGTH = 64;

    private CookieReplyMessage() {}
}

package dev.sluice.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/** The 32 bytes shared by every key type; equality is constant-time. */
abstract sealed class Key32 permits PublicKey, PrivateKey, PresharedKey {
    static final int LENGTH = 32;

    private final byte[] bytes;

    Key32(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new KeyFormatException("a WireGuard key is 32 bytes, got " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    /** Decodes standard base64 as {@code wg} writes it (44 characters, one '=' of padding). */
    static byte[] decode(String text, String what) {
        String trimmed = text.strip();
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException(
                    "'"
                            + abbreviate(trimmed)
                            + "' is not a base64 "
                            + what
                            + " ("
                            + e.getMessage()
                            + ")");
        }
        if (decoded.length != LENGTH || trimmed.length() != 44) {
            throw new KeyFormatException(
                    "'"
                            + abbreviate(trimmed)
                            + "' is not a "
                            + what
                            + ": expected 44 base64 characters encoding 32 bytes, got "
                            + decoded.length
                            + " bytes");
        }
        return decoded;
    }

    private static String abbreviate(String text) {
        return text.length() <= 12 ? text : text.substring(0, 8) + "…";
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The key bytes without copying, for the protocol core. */
    byte[] raw() {
        return bytes;
    }

    /** Standard base64, as {@code wg} prints keys. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Overwrites the key bytes with zeros; the key is unusable afterwards. */
    void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && MessageDigest.isEqual(bytes, ((Key32) o).bytes);
    }

    @Override
    public final int hashCode() {
        // Public keys are looked up in maps; secrets never need to be.
        return this instanceof PublicKey ? Arrays.hashCode(bytes) : getClass().hashCode();
    }
}

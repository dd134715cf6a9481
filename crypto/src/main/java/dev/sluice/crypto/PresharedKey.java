package dev.sluice.crypto;

import java.security.SecureRandom;

/** A 32-byte symmetric preshared key (Noise psk2). {@code toString()} never shows it. */
public final class PresharedKey extends Key32 {
    public PresharedKey(byte[] bytes) {
        super(bytes);
    }

    /**
     * @throws KeyFormatException (without echoing the text) when it is not a key
     */
    public static PresharedKey parse(String base64) {
        try {
            return new PresharedKey(decode(base64, "preshared key"));
        } catch (KeyFormatException e) {
            throw new KeyFormatException(
                    "the preshared key is not 44 base64 characters encoding 32 bytes");
        }
    }

    public static PresharedKey generate(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        return new PresharedKey(bytes);
    }

    public void destroy() {
        wipe();
    }

    @Override
    public String toString() {
        return "PresharedKey[redacted]";
    }
}

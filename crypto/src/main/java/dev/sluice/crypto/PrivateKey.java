package dev.sluice.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A Curve25519 private key. {@code toString()} never shows it; {@link #destroy()} zeroes it.
 * Generated keys are clamped as {@code wg genkey} clamps them (RFC 7748 section 5).
 */
public final class PrivateKey extends Key32 {
    public PrivateKey(byte[] bytes) {
        super(bytes);
    }

    /**
     * @throws KeyFormatException (without echoing the text) when it is not a key
     */
    public static PrivateKey parse(String base64) {
        try {
            return new PrivateKey(decode(base64, "private key"));
        } catch (KeyFormatException e) {
            throw new KeyFormatException(
                    "the private key is not 44 base64 characters encoding 32 bytes");
        }
    }

    /** A fresh random, clamped private key. */
    public static PrivateKey generate(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        bytes[0] &= (byte) 248;
        bytes[31] &= 127;
        bytes[31] |= 64;
        return new PrivateKey(bytes);
    }

    /** The matching public key: X25519(this, 9). */
    public PublicKey publicKey() {
        byte[] out = new byte[LENGTH];
        X25519.generatePublicKey(raw(), 0, out, 0);
        return new PublicKey(out);
    }

    /** Zeroes the key bytes. */
    public void destroy() {
        wipe();
    }

    @Override
    public String toString() {
        return "PrivateKey[redacted]";
    }
}

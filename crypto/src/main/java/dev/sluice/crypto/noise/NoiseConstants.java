package dev.sluice.crypto.noise;

import dev.sluice.crypto.primitives.Blake2s;
import java.nio.charset.StandardCharsets;

/** The construction and identifier strings and what is derived from them once. */
public final class NoiseConstants {
    public static final String CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    public static final String IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com";
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    /** C_i = HASH(CONSTRUCTION). */
    static final byte[] INITIAL_CHAINING_KEY =
            Blake2s.hash(CONSTRUCTION.getBytes(StandardCharsets.US_ASCII));

    /** HASH(C_i || IDENTIFIER), before the responder's static key is mixed in. */
    static final byte[] INITIAL_HASH =
            Blake2s.hash(INITIAL_CHAINING_KEY, IDENTIFIER.getBytes(StandardCharsets.US_ASCII));

    static final byte[] EMPTY = new byte[0];
    static final byte[] ZERO_KEY = new byte[32];

    private NoiseConstants() {}

    /** HASH(LABEL_MAC1 || static public key): the key of mac1 for messages to that key. */
    public static byte[] mac1Key(byte[] staticPublic) {
        return Blake2s.hash(LABEL_MAC1, staticPublic);
    }

    /** HASH(LABEL_COOKIE || static public key): the key that encrypts cookies from that key. */
    public static byte[] cookieKey(byte[] staticPublic) {
        return Blake2s.hash(LABEL_COOKIE, staticPublic);
    }
}

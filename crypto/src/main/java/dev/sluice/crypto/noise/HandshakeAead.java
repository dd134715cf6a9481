package dev.sluice.crypto.noise;

import dev.sluice.crypto.primitives.ChaCha20;
import dev.sluice.crypto.primitives.ChaCha20Poly1305;
import java.nio.ByteBuffer;

/** AEAD(key, 0, plaintext, aad) of the handshake: ChaCha20-Poly1305 with a zero counter. */
final class HandshakeAead {
    private HandshakeAead() {}

    static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
        byte[] out = new byte[plaintext.length + ChaCha20Poly1305.TAG_LENGTH];
        new ChaCha20Poly1305()
                .seal(
                        ChaCha20.keyWords(key),
                        0,
                        ByteBuffer.wrap(aad),
                        ByteBuffer.wrap(plaintext),
                        0,
                        plaintext.length,
                        ByteBuffer.wrap(out),
                        0);
        return out;
    }

    /** The plaintext, or null when {@code ciphertext} does not authenticate. */
    static byte[] open(byte[] key, byte[] ciphertext, byte[] aad) {
        if (ciphertext.length < ChaCha20Poly1305.TAG_LENGTH) {
            return null;
        }
        byte[] out = new byte[ciphertext.length - ChaCha20Poly1305.TAG_LENGTH];
        boolean ok =
                new ChaCha20Poly1305()
                        .open(
                                ChaCha20.keyWords(key),
                                0,
                                ByteBuffer.wrap(aad),
                                ByteBuffer.wrap(ciphertext),
                                0,
                                ciphertext.length,
                                ByteBuffer.wrap(out),
                                0);
        return ok ? out : null;
    }
}

package dev.sluice.crypto.primitives;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) for WireGuard cookie replies, through BouncyCastle
 * (the JDK has none). Control path only: allocates. Thread-safe (no shared state).
 */
public final class XChaCha20Poly1305 {
    public static final int NONCE_LENGTH = 24;

    private XChaCha20Poly1305() {}

    public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
        org.bouncycastle.crypto.modes.XChaCha20Poly1305 cipher =
                new org.bouncycastle.crypto.modes.XChaCha20Poly1305();
        cipher.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
        int written = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            cipher.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The plaintext, or null when the ciphertext does not authenticate. */
    public static byte[] open(
            byte[] key, byte[] nonce, byte[] ciphertext, int offset, int length, byte[] aad) {
        org.bouncycastle.crypto.modes.XChaCha20Poly1305 cipher =
                new org.bouncycastle.crypto.modes.XChaCha20Poly1305();
        cipher.init(false, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[Math.max(0, cipher.getOutputSize(length))];
        try {
            int written = cipher.processBytes(ciphertext, offset, length, out, 0);
            cipher.doFinal(out, written);
            return out;
        } catch (InvalidCipherTextException | RuntimeException e) {
            return null;
        }
    }
}

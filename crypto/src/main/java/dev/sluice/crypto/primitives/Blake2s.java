package dev.sluice.crypto.primitives;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * WireGuard's hash-based functions (whitepaper section 5.4): {@code HASH} = BLAKE2s-256, {@code
 * MAC} = keyed BLAKE2s-128, {@code HMAC} = HMAC over BLAKE2s-256 (RFC 2104, 64-byte blocks), and
 * {@code KDF_n} = HKDF-style expansion with HMAC. BLAKE2s itself is BouncyCastle's.
 *
 * <p>Control path only (handshakes and cookies): allocates. Stateless and thread-safe.
 */
public final class Blake2s {
    public static final int HASH_LENGTH = 32;
    public static final int MAC_LENGTH = 16;
    private static final int BLOCK_LENGTH = 64;

    private Blake2s() {}

    /** HASH(a || b || ...). */
    public static byte[] hash(byte[]... parts) {
        Blake2sDigest digest = new Blake2sDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** MAC(key, data[offset, +length)): keyed BLAKE2s with a 16-byte output. */
    public static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(data, offset, length);
        byte[] out = new byte[MAC_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** HMAC(key, a || b || ...) with BLAKE2s-256. */
    public static byte[] hmac(byte[] key, byte[]... parts) {
        byte[] block = new byte[BLOCK_LENGTH];
        byte[] k = key.length > BLOCK_LENGTH ? hash(key) : key;
        System.arraycopy(k, 0, block, 0, k.length);
        byte[] inner = new byte[BLOCK_LENGTH];
        byte[] outer = new byte[BLOCK_LENGTH];
        for (int i = 0; i < BLOCK_LENGTH; i++) {
            inner[i] = (byte) (block[i] ^ 0x36);
            outer[i] = (byte) (block[i] ^ 0x5c);
        }
        Blake2sDigest digest = new Blake2sDigest(256);
        digest.update(inner, 0, BLOCK_LENGTH);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] innerHash = new byte[HASH_LENGTH];
        digest.doFinal(innerHash, 0);
        digest.reset();
        digest.update(outer, 0, BLOCK_LENGTH);
        digest.update(innerHash, 0, HASH_LENGTH);
        byte[] out = new byte[HASH_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /**
     * KDF_n(key, input): {@code t0 = HMAC(key, input)}, {@code t1 = HMAC(t0, 0x1)}, {@code t_i =
     * HMAC(t0, t_(i-1) || i)}; returns t1..tn.
     */
    public static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] t0 = hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 1; i <= n; i++) {
            previous = hmac(t0, previous, new byte[] {(byte) i});
            out[i - 1] = previous;
        }
        return out;
    }
}

package dev.sluice.crypto.noise;

import dev.sluice.crypto.message.CookieReplyMessage;
import dev.sluice.crypto.message.LittleEndian;
import dev.sluice.crypto.message.MessageType;
import dev.sluice.crypto.primitives.Blake2s;
import dev.sluice.crypto.primitives.XChaCha20Poly1305;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Our side of the denial-of-service defence (whitepaper section 5.4.7): checks mac1 of incoming
 * handshake messages (keyed with our public key, so only senders who know it get work done), and
 * under load checks mac2 against a cookie bound to the sender's address, answering with a cookie
 * reply when it is missing. The cookie secret changes every COOKIE_REFRESH_TIME (120 s).
 *
 * <p>Thread-safe (the secret rotates under a lock).
 */
public final class CookieChecker {
    /** COOKIE_REFRESH_TIME. */
    public static final long COOKIE_REFRESH_NS = 120_000_000_000L;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final SecureRandom random;
    private byte[] secret = new byte[32];
    private long secretCreatedNs = Long.MIN_VALUE;

    public CookieChecker(byte[] localStaticPublic, SecureRandom random) {
        this.mac1Key = NoiseConstants.mac1Key(localStaticPublic);
        this.cookieKey = NoiseConstants.cookieKey(localStaticPublic);
        this.random = random;
    }

    /** True when the message's mac1 (at {@code mac1Offset}) is right. */
    public boolean mac1Valid(ByteBuffer in, int offset, int mac1Offset) {
        byte[] message = new byte[mac1Offset];
        in.get(offset, message);
        byte[] expected = Blake2s.mac(mac1Key, message, 0, mac1Offset);
        byte[] actual = new byte[Blake2s.MAC_LENGTH];
        in.get(offset + mac1Offset, actual);
        return MessageDigest.isEqual(expected, actual);
    }

    /** True when the message's mac2 (at {@code mac2Offset}) matches this source's cookie. */
    public synchronized boolean mac2Valid(
            ByteBuffer in, int offset, int mac2Offset, byte[] source, long nowNs) {
        byte[] cookie = cookie(source, nowNs);
        byte[] message = new byte[mac2Offset];
        in.get(offset, message);
        byte[] expected = Blake2s.mac(cookie, message, 0, mac2Offset);
        byte[] actual = new byte[Blake2s.MAC_LENGTH];
        in.get(offset + mac2Offset, actual);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Writes a cookie reply to the message at {@code in[offset]} (sender index at {@code
     * senderOffset}, mac1 at {@code mac1Offset}) into {@code out[outOffset..+64)}.
     */
    public synchronized void writeReply(
            ByteBuffer in,
            int offset,
            int senderOffset,
            int mac1Offset,
            byte[] source,
            long nowNs,
            ByteBuffer out,
            int outOffset) {
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] mac1 = new byte[Blake2s.MAC_LENGTH];
        in.get(offset + mac1Offset, mac1);
        byte[] encrypted = XChaCha20Poly1305.seal(cookieKey, nonce, cookie(source, nowNs), mac1);
        MessageType.write(out, outOffset, MessageType.COOKIE_REPLY);
        LittleEndian.putInt(
                out,
                outOffset + CookieReplyMessage.RECEIVER_OFFSET,
                LittleEndian.getInt(in, offset + senderOffset));
        out.put(outOffset + CookieReplyMessage.NONCE_OFFSET, nonce);
        out.put(outOffset + CookieReplyMessage.COOKIE_OFFSET, encrypted);
    }

    /** Zeroes the secret; a new one is drawn if the checker is used again. */
    public synchronized void wipe() {
        Arrays.fill(secret, (byte) 0);
        secretCreatedNs = Long.MIN_VALUE;
    }

    /** tau = MAC(R_m, A_m): the cookie of a source address under the current secret. */
    private byte[] cookie(byte[] source, long nowNs) {
        if (secretCreatedNs == Long.MIN_VALUE || nowNs - secretCreatedNs >= COOKIE_REFRESH_NS) {
            random.nextBytes(secret);
            secretCreatedNs = nowNs;
        }
        return Blake2s.mac(secret, source, 0, source.length);
    }
}

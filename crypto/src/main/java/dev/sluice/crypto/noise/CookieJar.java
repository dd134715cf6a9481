package dev.sluice.crypto.noise;

import dev.sluice.crypto.message.CookieReplyMessage;
import dev.sluice.crypto.message.LittleEndian;
import dev.sluice.crypto.primitives.Blake2s;
import dev.sluice.crypto.primitives.XChaCha20Poly1305;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The sender's side of section 5.4.7 for one peer: computes mac1 of messages to the peer, remembers
 * the last mac1 sent (the AAD of a cookie reply) and the sender index of that message, stores the
 * cookie a reply brings and uses it for mac2 while it is younger than COOKIE_REFRESH_TIME minus a
 * margin.
 *
 * <p>A reply is taken only when it answers the last message we sent (its receiver index and mac1),
 * and only once: a replayed or stale reply is refused. A reply authenticates nothing about its
 * sender (anyone who saw our message and knows the peer's public key can make one), so it never
 * moves the peer's endpoint.
 *
 * <p>Guarded by the owning tunnel's lock.
 */
public final class CookieJar {
    /** Cookies older than this are not used (wireguard-go: COOKIE_REFRESH_TIME - REKEY_TIMEOUT). */
    static final long COOKIE_USABLE_NS = CookieChecker.COOKIE_REFRESH_NS - 5_000_000_000L;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private byte[] lastMac1;
    private int lastSenderIndex;
    private byte[] cookie;
    private long cookieReceivedNs;

    public CookieJar(byte[] remoteStaticPublic) {
        this.mac1Key = NoiseConstants.mac1Key(remoteStaticPublic);
        this.cookieKey = NoiseConstants.cookieKey(remoteStaticPublic);
    }

    /**
     * Fills in mac1 and (with a fresh cookie) mac2 of the message at {@code out[offset]}, whose
     * sender index is {@code senderIndex} (what a cookie reply to it names as its receiver).
     */
    public void stamp(
            ByteBuffer out,
            int offset,
            int mac1Offset,
            int mac2Offset,
            int senderIndex,
            long nowNs) {
        byte[] message = new byte[mac2Offset];
        out.get(offset, message, 0, mac1Offset);
        lastMac1 = Blake2s.mac(mac1Key, message, 0, mac1Offset);
        lastSenderIndex = senderIndex;
        out.put(offset + mac1Offset, lastMac1);
        byte[] mac2 = new byte[Blake2s.MAC_LENGTH];
        if (cookie != null && nowNs - cookieReceivedNs < COOKIE_USABLE_NS) {
            out.get(offset, message, 0, mac2Offset);
            mac2 = Blake2s.mac(cookie, message, 0, mac2Offset);
        }
        out.put(offset + mac2Offset, mac2);
    }

    /**
     * Takes the cookie from a reply to our last message; false when it names another message, was
     * already taken, or does not decrypt.
     */
    public boolean consumeReply(ByteBuffer in, int offset, long nowNs) {
        if (lastMac1 == null
                || LittleEndian.getInt(in, offset + CookieReplyMessage.RECEIVER_OFFSET)
                        != lastSenderIndex) {
            return false;
        }
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        in.get(offset + CookieReplyMessage.NONCE_OFFSET, nonce);
        byte[] encrypted = new byte[CookieReplyMessage.COOKIE_LENGTH];
        in.get(offset + CookieReplyMessage.COOKIE_OFFSET, encrypted);
        byte[] plain =
                XChaCha20Poly1305.open(cookieKey, nonce, encrypted, 0, encrypted.length, lastMac1);
        if (plain == null || plain.length != Blake2s.MAC_LENGTH) {
            return false;
        }
        clear();
        cookie = plain;
        cookieReceivedNs = nowNs;
        return true;
    }

    /** Forgets the cookie (zeroed) and the last mac1: no reply is taken until the next stamp. */
    public void clear() {
        if (cookie != null) {
            Arrays.fill(cookie, (byte) 0);
            cookie = null;
        }
        lastMac1 = null;
    }

    /** True while a usable cookie is held. */
    public boolean hasCookie(long nowNs) {
        return cookie != null && nowNs - cookieReceivedNs < COOKIE_USABLE_NS;
    }
}

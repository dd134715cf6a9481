package dev.sluice.crypto.noise;

import dev.sluice.crypto.message.CookieReplyMessage;
import dev.sluice.crypto.primitives.Blake2s;
import dev.sluice.crypto.primitives.XChaCha20Poly1305;
import java.nio.ByteBuffer;

/**
 * The sender's side of section 5.4.7 for one peer: computes mac1 of messages to the peer, remembers
 * the last mac1 sent (the AAD of a cookie reply), stores the cookie a reply brings and uses it for
 * mac2 while it is younger than COOKIE_REFRESH_TIME minus a margin.
 *
 * <p>Guarded by the owning tunnel's lock.
 */
public final class CookieJar {
    /** Cookies older than this are not used (wireguard-go: COOKIE_REFRESH_TIME - REKEY_TIMEOUT). */
    static final long COOKIE_USABLE_NS = CookieChecker.COOKIE_REFRESH_NS - 5_000_000_000L;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieReceivedNs;

    public CookieJar(byte[] remoteStaticPublic) {
        this.mac1Key = NoiseConstants.mac1Key(remoteStaticPublic);
        this.cookieKey = NoiseConstants.cookieKey(remoteStaticPublic);
    }

    /** Fills in mac1 and (with a fresh cookie) mac2 of the message at {@code out[offset]}. */
    public void stamp(ByteBuffer out, int offset, int mac1Offset, int mac2Offset, long nowNs) {
        byte[] message = new byte[mac2Offset];
        out.get(offset, message, 0, mac1Offset);
        lastMac1 = Blake2s.mac(mac1Key, message, 0, mac1Offset);
        out.put(offset + mac1Offset, lastMac1);
        byte[] mac2 = new byte[Blake2s.MAC_LENGTH];
        if (cookie != null && nowNs - cookieReceivedNs < COOKIE_USABLE_NS) {
            out.get(offset, message, 0, mac2Offset);
            mac2 = Blake2s.mac(cookie, message, 0, mac2Offset);
        }
        out.put(offset + mac2Offset, mac2);
    }

    /** Takes the cookie from a reply to our last message; false when it does not decrypt. */
    public boolean consumeReply(ByteBuffer in, int offset, long nowNs) {
        if (lastMac1 == null) {
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
        cookie = plain;
        cookieReceivedNs = nowNs;
        return true;
    }

    /** True while a usable cookie is held. */
    public boolean hasCookie(long nowNs) {
        return cookie != null && nowNs - cookieReceivedNs < COOKIE_USABLE_NS;
    }
}

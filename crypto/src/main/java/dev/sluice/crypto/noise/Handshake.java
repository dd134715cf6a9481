package dev.sluice.crypto.noise;

import dev.sluice.crypto.message.InitiationMessage;
import dev.sluice.crypto.message.LittleEndian;
import dev.sluice.crypto.message.MessageType;
import dev.sluice.crypto.message.ResponseMessage;
import dev.sluice.crypto.primitives.Blake2s;
import dev.sluice.crypto.primitives.ChaCha20;
import dev.sluice.crypto.primitives.Tai64n;
import dev.sluice.crypto.primitives.X25519;
import dev.sluice.crypto.session.Keypair;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One peer's side of the handshake (whitepaper section 5.4): the running chaining key and hash, our
 * ephemeral, the peer's ephemeral and index, the latest timestamp the peer sent.
 *
 * <pre>
 * initiator                                          responder
 * createInitiation  --- type 1 (148 bytes) --->      consumeInitiation (static decides the peer)
 *                                                    createResponse -> keypair (responder)
 * consumeResponse   <--- type 2 (92 bytes) ----
 *   -> keypair (initiator)
 * </pre>
 *
 * <p>Messages are written and read without their mac1/mac2 (see {@link CookieChecker} and {@link
 * CookieJar}). Not thread-safe: the owning tunnel serializes calls.
 */
public final class Handshake {
    /** Where this handshake stands. */
    public enum State {
        NONE,
        INITIATION_SENT,
        INITIATION_CONSUMED,
        RESPONSE_SENT
    }

    private final byte[] localStaticPrivate;
    private final byte[] localStaticPublic;
    private final byte[] remoteStatic;
    private final byte[] staticStatic;
    private final byte[] presharedKey;
    private final SecureRandom random;

    private State state = State.NONE;
    private byte[] chainingKey;
    private byte[] hash;
    private byte[] localEphemeral;
    private byte[] remoteEphemeral;
    private int localIndex;
    private int remoteIndex;
    private byte[] latestTimestamp = new byte[Tai64n.LENGTH];

    /**
     * @param presharedKey 32 bytes, or null for none (zeros)
     * @throws IllegalArgumentException when the peer's public key is a low-order point
     */
    public Handshake(
            byte[] localStaticPrivate,
            byte[] localStaticPublic,
            byte[] remoteStatic,
            byte[] presharedKey,
            SecureRandom random) {
        this.localStaticPrivate = localStaticPrivate.clone();
        this.localStaticPublic = localStaticPublic.clone();
        this.remoteStatic = remoteStatic.clone();
        this.staticStatic = X25519.sharedSecret(localStaticPrivate, remoteStatic);
        if (staticStatic == null) {
            throw new IllegalArgumentException("the peer's public key is a low-order point");
        }
        this.presharedKey =
                presharedKey == null
                        ? new byte[NoiseConstants.ZERO_KEY.length]
                        : presharedKey.clone();
        this.random = random;
    }

    public State state() {
        return state;
    }

    public int localIndex() {
        return localIndex;
    }

    public int remoteIndex() {
        return remoteIndex;
    }

    public byte[] remoteStatic() {
        return remoteStatic;
    }

    /** Forgets the handshake in progress (keys zeroed). */
    public void clear() {
        wipe(localEphemeral);
        wipe(chainingKey);
        state = State.NONE;
        localEphemeral = null;
        remoteEphemeral = null;
        chainingKey = null;
        hash = null;
    }

    /**
     * Forgets the handshake in progress and zeroes every secret this handshake holds: our static
     * private key, the precomputed static-static secret and the preshared key. The handshake is
     * unusable afterwards (the owning tunnel is closed).
     */
    public void destroy() {
        clear();
        wipe(localStaticPrivate);
        wipe(staticStatic);
        wipe(presharedKey);
    }

    private static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    // --------------------------------------------------------------- initiator

    /**
     * Writes an initiation (macs zero) to {@code out[offset..+148)} with sender index {@code
     * index}, timestamped {@code wallClockNs}.
     */
    public void createInitiation(ByteBuffer out, int offset, int index, long wallClockNs) {
        chainingKey = NoiseConstants.INITIAL_CHAINING_KEY.clone();
        hash = Blake2s.hash(NoiseConstants.INITIAL_HASH, remoteStatic);
        localEphemeral = X25519.generatePrivate(random);
        byte[] ephemeralPublic = X25519.publicKey(localEphemeral);
        chainingKey = Blake2s.kdf(1, chainingKey, ephemeralPublic)[0];
        hash = Blake2s.hash(hash, ephemeralPublic);
        byte[] es = X25519.sharedSecret(localEphemeral, remoteStatic);
        byte[][] derived = Blake2s.kdf(2, chainingKey, es);
        chainingKey = derived[0];
        byte[] encryptedStatic = HandshakeAead.seal(derived[1], localStaticPublic, hash);
        hash = Blake2s.hash(hash, encryptedStatic);
        derived = Blake2s.kdf(2, chainingKey, staticStatic);
        chainingKey = derived[0];
        byte[] encryptedTimestamp = HandshakeAead.seal(derived[1], Tai64n.of(wallClockNs), hash);
        hash = Blake2s.hash(hash, encryptedTimestamp);

        for (int i = 0; i < InitiationMessage.LENGTH; i++) {
            out.put(offset + i, (byte) 0);
        }
        MessageType.write(out, offset, MessageType.INITIATION);
        LittleEndian.putInt(out, offset + InitiationMessage.SENDER_OFFSET, index);
        out.put(offset + InitiationMessage.EPHEMERAL_OFFSET, ephemeralPublic);
        out.put(offset + InitiationMessage.STATIC_OFFSET, encryptedStatic);
        out.put(offset + InitiationMessage.TIMESTAMP_OFFSET, encryptedTimestamp);
        localIndex = index;
        state = State.INITIATION_SENT;
    }

    /**
     * Consumes a response (macs already checked) whose receiver index is ours.
     *
     * @return the new keypair (initiator), or null when the response does not authenticate
     */
    public Keypair consumeResponse(ByteBuffer in, int offset, long nowNs) {
        if (state != State.INITIATION_SENT) {
            return null;
        }
        byte[] ephemeral = bytes(in, offset + ResponseMessage.EPHEMERAL_OFFSET, 32);
        byte[] ck = Blake2s.kdf(1, chainingKey, ephemeral)[0];
        byte[] h = Blake2s.hash(hash, ephemeral);
        byte[] ee = X25519.sharedSecret(localEphemeral, ephemeral);
        byte[] se = X25519.sharedSecret(localStaticPrivate, ephemeral);
        if (ee == null || se == null) {
            return null;
        }
        ck = Blake2s.kdf(1, ck, ee)[0];
        ck = Blake2s.kdf(1, ck, se)[0];
        byte[][] derived = Blake2s.kdf(3, ck, presharedKey);
        ck = derived[0];
        h = Blake2s.hash(h, derived[1]);
        byte[] empty =
                bytes(in, offset + ResponseMessage.EMPTY_OFFSET, ResponseMessage.EMPTY_LENGTH);
        if (HandshakeAead.open(derived[2], empty, h) == null) {
            return null;
        }
        remoteIndex = LittleEndian.getInt(in, offset + ResponseMessage.SENDER_OFFSET);
        byte[][] keys = Blake2s.kdf(2, ck, NoiseConstants.EMPTY);
        Keypair keypair =
                new Keypair(
                        ChaCha20.keyWords(keys[0]),
                        ChaCha20.keyWords(keys[1]),
                        localIndex,
                        remoteIndex,
                        true,
                        nowNs);
        clear();
        return keypair;
    }

    // --------------------------------------------------------------- responder

    /**
     * The part of an initiation that can be read before knowing the peer: decrypts the initiator's
     * static key with our static key.
     *
     * @return the consumed state, or null when the message does not authenticate
     */
    public static ConsumedInitiation decryptInitiation(
            byte[] localStaticPrivate, byte[] localStaticPublic, ByteBuffer in, int offset) {
        byte[] ck = NoiseConstants.INITIAL_CHAINING_KEY;
        byte[] h = Blake2s.hash(NoiseConstants.INITIAL_HASH, localStaticPublic);
        byte[] ephemeral = bytes(in, offset + InitiationMessage.EPHEMERAL_OFFSET, 32);
        ck = Blake2s.kdf(1, ck, ephemeral)[0];
        h = Blake2s.hash(h, ephemeral);
        byte[] es = X25519.sharedSecret(localStaticPrivate, ephemeral);
        if (es == null) {
            return null;
        }
        byte[][] derived = Blake2s.kdf(2, ck, es);
        ck = derived[0];
        byte[] encryptedStatic =
                bytes(
                        in,
                        offset + InitiationMessage.STATIC_OFFSET,
                        InitiationMessage.STATIC_LENGTH);
        byte[] remoteStatic = HandshakeAead.open(derived[1], encryptedStatic, h);
        if (remoteStatic == null) {
            return null;
        }
        h = Blake2s.hash(h, encryptedStatic);
        byte[] encryptedTimestamp =
                bytes(
                        in,
                        offset + InitiationMessage.TIMESTAMP_OFFSET,
                        InitiationMessage.TIMESTAMP_LENGTH);
        int sender = LittleEndian.getInt(in, offset + InitiationMessage.SENDER_OFFSET);
        return new ConsumedInitiation(remoteStatic, ephemeral, ck, h, encryptedTimestamp, sender);
    }

    /** What {@link #decryptInitiation} learned, for the peer's handshake to finish with. */
    public record ConsumedInitiation(
            byte[] remoteStatic,
            byte[] remoteEphemeral,
            byte[] chainingKey,
            byte[] hash,
            byte[] encryptedTimestamp,
            int senderIndex) {}

    /** Why an initiation for this peer was not accepted. */
    public enum Rejection {
        NONE,
        BAD_TIMESTAMP,
        REPLAYED_TIMESTAMP
    }

    /**
     * Finishes consuming an initiation from this peer: decrypts and checks the timestamp (it must
     * be later than every earlier one, whitepaper section 5.1).
     */
    public Rejection acceptInitiation(ConsumedInitiation consumed) {
        byte[][] derived = Blake2s.kdf(2, consumed.chainingKey(), staticStatic);
        byte[] timestamp =
                HandshakeAead.open(derived[1], consumed.encryptedTimestamp(), consumed.hash());
        if (timestamp == null) {
            return Rejection.BAD_TIMESTAMP;
        }
        if (!Tai64n.isAfter(timestamp, latestTimestamp)) {
            return Rejection.REPLAYED_TIMESTAMP;
        }
        latestTimestamp = timestamp;
        clear();
        chainingKey = derived[0];
        hash = Blake2s.hash(consumed.hash(), consumed.encryptedTimestamp());
        remoteEphemeral = consumed.remoteEphemeral();
        remoteIndex = consumed.senderIndex();
        state = State.INITIATION_CONSUMED;
        return Rejection.NONE;
    }

    /**
     * Writes a response (macs zero) to {@code out[offset..+92)} with sender index {@code index} and
     * returns the new keypair (responder; usable for sending once the initiator has sent on it).
     */
    public Keypair createResponse(ByteBuffer out, int offset, int index, long nowNs) {
        if (state != State.INITIATION_CONSUMED) {
            throw new IllegalStateException("no initiation to respond to");
        }
        localEphemeral = X25519.generatePrivate(random);
        byte[] ephemeralPublic = X25519.publicKey(localEphemeral);
        byte[] ck = Blake2s.kdf(1, chainingKey, ephemeralPublic)[0];
        byte[] h = Blake2s.hash(hash, ephemeralPublic);
        byte[] ee = X25519.sharedSecret(localEphemeral, remoteEphemeral);
        byte[] se = X25519.sharedSecret(localEphemeral, remoteStatic);
        ck = Blake2s.kdf(1, ck, ee == null ? NoiseConstants.ZERO_KEY : ee)[0];
        ck = Blake2s.kdf(1, ck, se)[0];
        byte[][] derived = Blake2s.kdf(3, ck, presharedKey);
        ck = derived[0];
        h = Blake2s.hash(h, derived[1]);
        byte[] empty = HandshakeAead.seal(derived[2], NoiseConstants.EMPTY, h);

        for (int i = 0; i < ResponseMessage.LENGTH; i++) {
            out.put(offset + i, (byte) 0);
        }
        MessageType.write(out, offset, MessageType.RESPONSE);
        LittleEndian.putInt(out, offset + ResponseMessage.SENDER_OFFSET, index);
        LittleEndian.putInt(out, offset + ResponseMessage.RECEIVER_OFFSET, remoteIndex);
        out.put(offset + ResponseMessage.EPHEMERAL_OFFSET, ephemeralPublic);
        out.put(offset + ResponseMessage.EMPTY_OFFSET, empty);
        localIndex = index;
        byte[][] keys = Blake2s.kdf(2, ck, NoiseConstants.EMPTY);
        Keypair keypair =
                new Keypair(
                        ChaCha20.keyWords(keys[1]),
                        ChaCha20.keyWords(keys[0]),
                        localIndex,
                        remoteIndex,
                        false,
                        nowNs);
        clear();
        return keypair;
    }

    private static byte[] bytes(ByteBuffer in, int offset, int length) {
        byte[] out = new byte[length];
        in.get(offset, out);
        return out;
    }
}

package dev.sluice.crypto;

import dev.sluice.crypto.message.CookieReplyMessage;
import dev.sluice.crypto.message.InitiationMessage;
import dev.sluice.crypto.message.LittleEndian;
import dev.sluice.crypto.message.MessageType;
import dev.sluice.crypto.message.ResponseMessage;
import dev.sluice.crypto.message.TransportMessage;
import dev.sluice.crypto.noise.CookieChecker;
import dev.sluice.crypto.noise.Handshake;
import dev.sluice.crypto.session.IndexTable;
import dev.sluice.crypto.session.Keypair;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * A WireGuard interface without I/O: our static key, our peers ({@link Tunnel}s), the receiver
 * index table, and the denial-of-service defences. {@link #decapsulate} takes any datagram from the
 * network and routes it:
 *
 * <pre>
 *   type 4 transport  -> receiver index -> keypair -> Tunnel (WRITE_TO_TUNNEL, or DONE for a
 *                        keepalive)
 *   type 1 initiation -> mac1 [-> mac2 or cookie reply when under load] -> static key -> peer
 *                        -> Tunnel (WRITE_TO_NETWORK: the response)
 *   type 2 response   -> mac1 [-> mac2] -> receiver index -> Tunnel (WRITE_TO_NETWORK: a
 *                        keepalive on the new session)
 *   type 3 cookie     -> receiver index -> Tunnel (DONE)
 * </pre>
 *
 * <p>Every refusal is a {@link DropReason}, counted in {@link #dropCount}; nothing throws for bad
 * input. Transport data allocates nothing; handshakes allocate. Thread-safe as described on {@link
 * Tunnel}: the index table and peer map are safe for concurrent readers. {@link #close} closes
 * every tunnel and zeroes our private key; every message after it is a counted drop.
 */
public final class TunnelSet {
    /** Owner of a receiver index: a pending handshake (keypair null) or a session. */
    record IndexOwner(Tunnel tunnel, Keypair keypair) {}

    /** Handshake messages per second above which we consider ourselves under load. */
    public static final int UNDER_LOAD_HANDSHAKES_PER_SECOND = 200;

    private final byte[] staticPrivate;
    private final byte[] staticPublic;
    private final SecureRandom random;
    private final LongSupplier wallClockNs;
    private final IndexTable indices;
    private final CookieChecker cookieChecker;
    private final Map<String, Tunnel> peers = new ConcurrentHashMap<>();
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private final ByteBuffer emptyPacket = ByteBuffer.allocateDirect(0);
    private final HandshakeRateLimiter rateLimiter = new HandshakeRateLimiter();

    final AtomicLong handshakesSent = new AtomicLong();
    final AtomicLong handshakesReceived = new AtomicLong();
    final AtomicLong handshakesCompleted = new AtomicLong();
    final AtomicLong handshakesFailed = new AtomicLong();
    final AtomicLong cookieRepliesSent = new AtomicLong();

    private volatile boolean forcedUnderLoad;
    private volatile boolean closed;
    private long loadWindowStartNs;
    private int loadWindowCount;

    /**
     * @param staticPrivate our 32-byte private key
     * @param random source of ephemeral keys, indices and cookie secrets
     * @param wallClockNs wall-clock time in ns since the Unix epoch (for TAI64N timestamps)
     */
    public TunnelSet(byte[] staticPrivate, SecureRandom random, LongSupplier wallClockNs) {
        this.staticPrivate = staticPrivate.clone();
        this.staticPublic = dev.sluice.crypto.primitives.X25519.publicKey(staticPrivate);
        this.random = random;
        this.wallClockNs = wallClockNs;
        this.indices = new IndexTable(random);
        this.cookieChecker = new CookieChecker(staticPublic, random);
    }

    /**
     * Adds a peer; returns its tunnel.
     *
     * @throws IllegalStateException after {@link #close}
     */
    public synchronized Tunnel addPeer(
            byte[] remoteStatic, byte[] presharedKey, int mtu, long persistentKeepaliveNs) {
        if (closed) {
            throw new IllegalStateException("the tunnel set is closed");
        }
        Tunnel tunnel = new Tunnel(this, remoteStatic, presharedKey, mtu, persistentKeepaliveNs);
        Tunnel previous = peers.put(key(remoteStatic), tunnel);
        if (previous != null) {
            previous.close();
        }
        return tunnel;
    }

    /** Removes a peer and forgets its sessions (keys zeroed). */
    public synchronized void removePeer(byte[] remoteStatic) {
        Tunnel tunnel = peers.remove(key(remoteStatic));
        if (tunnel != null) {
            tunnel.close();
        }
    }

    public Tunnel peer(byte[] remoteStatic) {
        return peers.get(key(remoteStatic));
    }

    public Collection<Tunnel> peers() {
        return peers.values();
    }

    /**
     * Closes every tunnel (their sessions and handshake secrets zeroed), then zeroes our static
     * private key and the cookie secret. Every later datagram, encapsulation or timer is a counted
     * {@link DropReason#TUNNEL_CLOSED} drop or does nothing. Idempotent.
     */
    public synchronized void close() {
        closed = true;
        for (Tunnel tunnel : peers.values()) {
            tunnel.close();
        }
        peers.clear();
        Arrays.fill(staticPrivate, (byte) 0);
        cookieChecker.wipe();
    }

    /** True once {@link #close} has run. */
    public boolean closed() {
        return closed;
    }

    private static String key(byte[] publicKey) {
        return java.util.HexFormat.of().formatHex(publicKey);
    }

    public byte[] staticPublic() {
        return staticPublic.clone();
    }

    /** Forces (or stops forcing) the under-load behaviour: cookies are demanded for handshakes. */
    public void forceUnderLoad(boolean underLoad) {
        this.forcedUnderLoad = underLoad;
    }

    /**
     * Handles one datagram {@code in[offset, +length)} from {@code source} (address and port bytes,
     * used for cookies and rate limits); may write into {@code out[outOffset]}.
     */
    public TunnelResult decapsulate(
            ByteBuffer in,
            int offset,
            int length,
            byte[] source,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        result.reset();
        if (closed) {
            return count(result.drop(DropReason.TUNNEL_CLOSED));
        }
        int type = MessageType.of(in, offset, length);
        switch (type) {
            case MessageType.TRANSPORT -> {
                if (length < TransportMessage.MIN_LENGTH) {
                    return count(result.drop(DropReason.MALFORMED));
                }
                int receiver = LittleEndian.getInt(in, offset + TransportMessage.RECEIVER_OFFSET);
                if (!(indices.lookup(receiver) instanceof IndexOwner owner)
                        || owner.keypair() == null) {
                    return count(result.drop(DropReason.UNKNOWN_RECEIVER_INDEX));
                }
                return owner.tunnel()
                        .decryptTransport(
                                owner.keypair(), in, offset, length, out, outOffset, nowNs, result);
            }
            case MessageType.INITIATION -> {
                if (length != InitiationMessage.LENGTH) {
                    return count(result.drop(DropReason.MALFORMED));
                }
                return handleInitiation(in, offset, source, out, outOffset, nowNs, result);
            }
            case MessageType.RESPONSE -> {
                if (length != ResponseMessage.LENGTH) {
                    return count(result.drop(DropReason.MALFORMED));
                }
                return handleResponse(in, offset, source, out, outOffset, nowNs, result);
            }
            case MessageType.COOKIE_REPLY -> {
                if (length != CookieReplyMessage.LENGTH) {
                    return count(result.drop(DropReason.MALFORMED));
                }
                int receiver = LittleEndian.getInt(in, offset + CookieReplyMessage.RECEIVER_OFFSET);
                if (!(indices.lookup(receiver) instanceof IndexOwner owner)) {
                    return count(result.drop(DropReason.UNKNOWN_RECEIVER_INDEX));
                }
                return owner.tunnel().consumeCookieReply(in, offset, nowNs, result);
            }
            default -> {
                return count(result.drop(DropReason.MALFORMED));
            }
        }
    }

    private TunnelResult handleInitiation(
            ByteBuffer in,
            int offset,
            byte[] source,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        if (!cookieChecker.mac1Valid(in, offset, InitiationMessage.MAC1_OFFSET)) {
            return count(result.drop(DropReason.INVALID_MAC1));
        }
        if (underLoad(nowNs)) {
            if (!cookieChecker.mac2Valid(
                    in, offset, InitiationMessage.MAC2_OFFSET, source, nowNs)) {
                return cookieReply(
                        in,
                        offset,
                        InitiationMessage.SENDER_OFFSET,
                        InitiationMessage.MAC1_OFFSET,
                        source,
                        out,
                        outOffset,
                        nowNs,
                        result);
            }
            if (!rateLimiter.allow(source, nowNs)) {
                return count(result.drop(DropReason.RATE_LIMITED));
            }
        }
        Handshake.ConsumedInitiation consumed =
                Handshake.decryptInitiation(staticPrivate, staticPublic, in, offset);
        if (consumed == null) {
            handshakesFailed.incrementAndGet();
            return count(result.drop(DropReason.HANDSHAKE_AUTHENTICATION_FAILED));
        }
        Tunnel tunnel = peers.get(key(consumed.remoteStatic()));
        if (tunnel == null) {
            return count(result.drop(DropReason.UNKNOWN_PEER));
        }
        return tunnel.respond(consumed, out, outOffset, nowNs, result);
    }

    private TunnelResult handleResponse(
            ByteBuffer in,
            int offset,
            byte[] source,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        if (!cookieChecker.mac1Valid(in, offset, ResponseMessage.MAC1_OFFSET)) {
            return count(result.drop(DropReason.INVALID_MAC1));
        }
        if (underLoad(nowNs)
                && !cookieChecker.mac2Valid(
                        in, offset, ResponseMessage.MAC2_OFFSET, source, nowNs)) {
            return cookieReply(
                    in,
                    offset,
                    ResponseMessage.SENDER_OFFSET,
                    ResponseMessage.MAC1_OFFSET,
                    source,
                    out,
                    outOffset,
                    nowNs,
                    result);
        }
        int receiver = LittleEndian.getInt(in, offset + ResponseMessage.RECEIVER_OFFSET);
        if (!(indices.lookup(receiver) instanceof IndexOwner owner) || owner.keypair() != null) {
            return count(result.drop(DropReason.UNEXPECTED_RESPONSE));
        }
        return owner.tunnel().consumeResponse(in, offset, out, outOffset, nowNs, result);
    }

    private TunnelResult cookieReply(
            ByteBuffer in,
            int offset,
            int senderOffset,
            int mac1Offset,
            byte[] source,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        if (out.capacity() - outOffset < CookieReplyMessage.LENGTH) {
            return count(result.drop(DropReason.BUFFER_TOO_SMALL));
        }
        cookieChecker.writeReply(
                in, offset, senderOffset, mac1Offset, source, nowNs, out, outOffset);
        cookieRepliesSent.incrementAndGet();
        result.cookieReplySent = true;
        return result.write(Action.WRITE_TO_NETWORK, CookieReplyMessage.LENGTH);
    }

    /** Forced, or more than {@link #UNDER_LOAD_HANDSHAKES_PER_SECOND} in the last second. */
    private synchronized boolean underLoad(long nowNs) {
        if (nowNs - loadWindowStartNs >= 1_000_000_000L) {
            loadWindowStartNs = nowNs;
            loadWindowCount = 0;
        }
        loadWindowCount++;
        return forcedUnderLoad || loadWindowCount > UNDER_LOAD_HANDSHAKES_PER_SECOND;
    }

    TunnelResult count(TunnelResult result) {
        if (result.action == Action.DROP) {
            drops.incrementAndGet(result.dropReason.ordinal());
        }
        return result;
    }

    /** Messages dropped for {@code reason} so far. */
    public long dropCount(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    public long handshakesSent() {
        return handshakesSent.get();
    }

    public long handshakesReceived() {
        return handshakesReceived.get();
    }

    public long handshakesCompleted() {
        return handshakesCompleted.get();
    }

    public long handshakesFailed() {
        return handshakesFailed.get();
    }

    public long cookieRepliesSent() {
        return cookieRepliesSent.get();
    }

    // --------------------------------------------------------------- for tunnels

    byte[] staticPrivate() {
        return staticPrivate;
    }

    SecureRandom random() {
        return random;
    }

    long wallClockNs() {
        return wallClockNs.getAsLong();
    }

    IndexTable indices() {
        return indices;
    }

    ByteBuffer emptyPacket() {
        return emptyPacket;
    }
}

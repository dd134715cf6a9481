package dev.sluice.crypto;

import dev.sluice.crypto.message.InitiationMessage;
import dev.sluice.crypto.message.LittleEndian;
import dev.sluice.crypto.message.MessageType;
import dev.sluice.crypto.message.ResponseMessage;
import dev.sluice.crypto.message.TransportMessage;
import dev.sluice.crypto.noise.CookieJar;
import dev.sluice.crypto.noise.Handshake;
import dev.sluice.crypto.primitives.ChaCha20Poly1305;
import dev.sluice.crypto.session.Keypair;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One peer of a {@link TunnelSet}: its handshake, its sessions (current, previous, next keypairs)
 * and the timers of whitepaper section 6, sans I/O: the caller passes buffers and the monotonic
 * clock ({@code nowNs}) and does what the returned {@link Action} says.
 *
 * <p>Flow:
 *
 * <pre>
 *   encapsulate(packet)  -> WRITE_TO_NETWORK (transport message)  | DONE + staged (no session:
 *                           a handshake is requested; keep the packet, retry on sessionEstablished)
 *   pollTimers()         -> WRITE_TO_NETWORK (initiation, retransmission, keepalive) | DONE
 *   (TunnelSet.decapsulate routes incoming messages here: transport data, responses, cookies)
 * </pre>
 *
 * <p>Threads: {@link #encapsulate} may run on any thread, concurrently with one thread
 * decapsulating transport data and one running handshakes and timers. The data path reads the
 * keypair slots without locks and never performs public-key operations; handshakes, key rotation
 * and timers run under this tunnel's lock. Transport encapsulation and decapsulation allocate
 * nothing; each thread uses its own {@link TunnelResult}.
 *
 * <p>Secrets: {@link #close} zeroes every key this tunnel holds (sessions, our static private key's
 * copy, the static-static secret, the preshared key). It may run while another thread encapsulates:
 * a message sealed while a key was being zeroed is discarded (a counted drop, never output), and
 * every call that starts after close returned is a {@link DropReason#TUNNEL_CLOSED} drop. The data
 * path pays one volatile read and one fence per message for this, no lock.
 */
public final class Tunnel {
    private final TunnelSet owner;
    private final byte[] remoteStatic;
    private final Handshake handshake;
    private final CookieJar cookies;
    private final int mtu;
    private final long persistentKeepaliveNs;
    private final ThreadLocal<ChaCha20Poly1305> aead =
            ThreadLocal.withInitial(ChaCha20Poly1305::new);

    private volatile Keypair current;
    private volatile Keypair previous;
    private volatile Keypair next;

    // Timer state (monotonic ns; 0 = unset). Written by any thread, read by the timer thread.
    private volatile long lastSentNs;
    private volatile long lastReceivedNs;
    private volatile long newHandshakeDeadlineNs;
    private volatile long keepaliveDeadlineNs;
    private volatile boolean handshakeRequested;
    private volatile boolean rekeyOnReceiveRequested;
    private long handshakeAttemptsStartNs;
    private long lastInitiationSentNs = Long.MIN_VALUE / 2;
    private long retransmitAtNs;
    private long lastInitiationConsumedNs = Long.MIN_VALUE / 2;
    private volatile long lastHandshakeCompletedNs;
    private volatile long lastHandshakeWallNs;
    private int pendingIndex;

    private volatile Object attachment;
    private volatile boolean closed;

    private final AtomicLong transmittedBytes = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();

    Tunnel(
            TunnelSet owner,
            byte[] remoteStatic,
            byte[] presharedKey,
            int mtu,
            long persistentKeepaliveNs) {
        this.owner = owner;
        this.remoteStatic = remoteStatic.clone();
        this.handshake =
                new Handshake(
                        owner.staticPrivate(),
                        owner.staticPublic(),
                        remoteStatic,
                        presharedKey,
                        owner.random());
        this.cookies = new CookieJar(remoteStatic);
        this.mtu = mtu;
        this.persistentKeepaliveNs = persistentKeepaliveNs;
    }

    /** Associates the caller's per-peer state with this tunnel (read back without a lookup). */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    /** What {@link #attach} stored, or null. */
    public Object attachment() {
        return attachment;
    }

    /** The peer's static public key (32 bytes; do not modify). */
    public byte[] remoteStatic() {
        return remoteStatic;
    }

    // ======================================================================= data path

    /**
     * Encrypts the packet {@code in[inOffset, +length)} into a transport message at {@code
     * out[outOffset]} (needs {@code length + 47} bytes of room). {@code in} is not written to: the
     * padding up to a multiple of 16 is made by the cipher.
     *
     * @return WRITE_TO_NETWORK with the message length, DONE with {@link TunnelResult#staged()}
     *     when there is no session yet, or DROP (also after {@link #close}, or when the session's
     *     keys were zeroed while sealing; the message is then not in {@code out})
     */
    public TunnelResult encapsulate(
            ByteBuffer in,
            int inOffset,
            int length,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        return encapsulate(
                in, inOffset, length, in, inOffset + length, 0, out, outOffset, nowNs, result);
    }

    /**
     * Encrypts a packet given in two parts, {@code head[headOffset, +headLength) ||
     * body[bodyOffset, +bodyLength)} — a segment's headers built in a scratch buffer and its
     * payload where it lies in a super-packet — into a transport message at {@code out[outOffset]};
     * neither part is written to or copied (the cipher reads each byte once). Results as {@link
     * #encapsulate(ByteBuffer, int, int, ByteBuffer, int, long, TunnelResult)}.
     */
    public TunnelResult encapsulate(
            ByteBuffer head,
            int headOffset,
            int headLength,
            ByteBuffer body,
            int bodyOffset,
            int bodyLength,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        int length = headLength + bodyLength;
        result.reset();
        result.tunnel = this;
        if (closed) {
            return owner.count(result.drop(DropReason.TUNNEL_CLOSED));
        }
        Keypair keypair = current;
        if (keypair == null || !usableForSending(keypair, nowNs)) {
            // A responder's fresh session is confirmed by the initiator's imminent keepalive;
            // only without one is a handshake of our own needed.
            Keypair pending = next;
            if (pending == null || nowNs - pending.createdNs() >= TimerConstants.REKEY_TIMEOUT_NS) {
                handshakeRequested = true;
                result.timersChanged = true;
            }
            result.staged = true;
            return result;
        }
        int padded = TransportMessage.paddedLength(length, mtu);
        int messageLength = TransportMessage.HEADER_LENGTH + padded + ChaCha20Poly1305.TAG_LENGTH;
        if (out.capacity() - outOffset < messageLength) {
            return owner.count(result.drop(DropReason.BUFFER_TOO_SMALL));
        }
        long counter = keypair.nextSendCounter();
        if (Long.compareUnsigned(counter, TimerConstants.REJECT_AFTER_MESSAGES) >= 0) {
            handshakeRequested = true;
            result.timersChanged = true;
            return owner.count(result.drop(DropReason.NONCE_EXHAUSTED));
        }
        MessageType.write(out, outOffset, MessageType.TRANSPORT);
        LittleEndian.putInt(
                out, outOffset + TransportMessage.RECEIVER_OFFSET, keypair.remoteIndex());
        LittleEndian.putLong(out, outOffset + TransportMessage.COUNTER_OFFSET, counter);
        aead.get()
                .sealParts(
                        keypair.sendKey(),
                        counter,
                        head,
                        headOffset,
                        headLength,
                        body,
                        bodyOffset,
                        bodyLength,
                        padded - length,
                        out,
                        outOffset + TransportMessage.DATA_OFFSET);
        if (keypair.wipedDuringUse()) {
            // close() or a rotation zeroed the key while it was read: what was sealed may be
            // readable by anyone and must never leave.
            for (int i = 0; i < messageLength; i++) {
                out.put(outOffset + i, (byte) 0);
            }
            return owner.count(
                    result.drop(closed ? DropReason.TUNNEL_CLOSED : DropReason.EXPIRED_KEYPAIR));
        }
        // Rekey after REKEY_AFTER_MESSAGES or, for sessions we initiated, REKEY_AFTER_TIME.
        if (Long.compareUnsigned(counter, TimerConstants.REKEY_AFTER_MESSAGES) >= 0
                || keypair.initiator()
                        && nowNs - keypair.createdNs() >= TimerConstants.REKEY_AFTER_TIME_NS) {
            if (!handshakeRequested) {
                handshakeRequested = true;
                result.timersChanged = true;
            }
        }
        if (sent(nowNs, length > 0)) {
            result.timersChanged = true;
        }
        transmittedBytes.addAndGet(messageLength);
        result.keepalive = length == 0;
        return result.write(Action.WRITE_TO_NETWORK, messageLength);
    }

    private static boolean usableForSending(Keypair keypair, long nowNs) {
        return !keypair.wiped()
                && nowNs - keypair.createdNs() < TimerConstants.REJECT_AFTER_TIME_NS
                && Long.compareUnsigned(keypair.sendCount(), TimerConstants.REJECT_AFTER_MESSAGES)
                        < 0;
    }

    /** Timer bookkeeping after sending; true when it set a deadline earlier than planned. */
    private boolean sent(long nowNs, boolean data) {
        lastSentNs = nowNs;
        keepaliveDeadlineNs = 0;
        if (data && newHandshakeDeadlineNs == 0) {
            newHandshakeDeadlineNs =
                    nowNs + TimerConstants.KEEPALIVE_TIMEOUT_NS + TimerConstants.REKEY_TIMEOUT_NS;
            return newHandshakeDeadlineNs < plannedWakeNs;
        }
        return false;
    }

    /** Transport data addressed to {@code keypair} (one of ours); called by the TunnelSet. */
    TunnelResult decryptTransport(
            Keypair keypair,
            ByteBuffer in,
            int offset,
            int length,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        result.tunnel = this;
        if (closed) {
            return owner.count(result.drop(DropReason.TUNNEL_CLOSED));
        }
        long counter = LittleEndian.getLong(in, offset + TransportMessage.COUNTER_OFFSET);
        if (keypair.wiped() || nowNs - keypair.createdNs() >= TimerConstants.REJECT_AFTER_TIME_NS) {
            return owner.count(result.drop(DropReason.EXPIRED_KEYPAIR));
        }
        if (!keypair.replay().mayAccept(counter)) {
            return owner.count(result.drop(DropReason.REPLAYED));
        }
        int cipherLength = length - TransportMessage.HEADER_LENGTH;
        if (out.capacity() - outOffset < cipherLength - ChaCha20Poly1305.TAG_LENGTH) {
            return owner.count(result.drop(DropReason.BUFFER_TOO_SMALL));
        }
        if (!aead.get()
                .open(
                        keypair.receiveKey(),
                        counter,
                        null,
                        in,
                        offset + TransportMessage.DATA_OFFSET,
                        cipherLength,
                        out,
                        outOffset)) {
            return owner.count(result.drop(DropReason.DECRYPTION_FAILED));
        }
        if (keypair.wipedDuringUse()) {
            // Opened with a key being zeroed: the tag proves nothing.
            return owner.count(result.drop(DropReason.EXPIRED_KEYPAIR));
        }
        if (!keypair.replay().accept(counter)) {
            return owner.count(result.drop(DropReason.REPLAYED));
        }
        result.authenticated = true;
        if (keypair == next) {
            result.sessionEstablished = confirmNext(keypair);
        }
        int plaintext = cipherLength - ChaCha20Poly1305.TAG_LENGTH;
        lastReceivedNs = nowNs;
        newHandshakeDeadlineNs = 0;
        receivedBytes.addAndGet(length);
        if (keypair.initiator()
                && nowNs - keypair.createdNs() >= TimerConstants.REKEY_ON_RECEIVE_AFTER_NS
                && !rekeyOnReceiveRequested) {
            rekeyOnReceiveRequested = true;
            handshakeRequested = true;
            result.timersChanged = true;
        }
        if (plaintext == 0) {
            result.keepalive = true;
            return result;
        }
        if (keepaliveDeadlineNs == 0) {
            keepaliveDeadlineNs = nowNs + TimerConstants.KEEPALIVE_TIMEOUT_NS;
            if (keepaliveDeadlineNs < plannedWakeNs) {
                result.timersChanged = true;
            }
        }
        return result.write(Action.WRITE_TO_TUNNEL, plaintext);
    }

    /** The responder's new session is confirmed by the initiator's first message on it. */
    private synchronized boolean confirmNext(Keypair keypair) {
        if (next != keypair) {
            return false;
        }
        retire(previous);
        previous = current;
        current = keypair;
        next = null;
        return true;
    }

    private void retire(Keypair keypair) {
        if (keypair != null) {
            owner.indices().remove(keypair.localIndex());
            keypair.wipe();
        }
    }

    // ======================================================================= handshakes

    /** Writes an initiation (with macs) at {@code out[offset]}; control path. */
    private synchronized int writeInitiation(ByteBuffer out, int offset, long nowNs) {
        if (pendingIndex != 0) {
            owner.indices().remove(pendingIndex);
        }
        pendingIndex = owner.indices().allocate(new TunnelSet.IndexOwner(this, null));
        handshake.createInitiation(out, offset, pendingIndex, owner.wallClockNs());
        cookies.stamp(
                out,
                offset,
                InitiationMessage.MAC1_OFFSET,
                InitiationMessage.MAC2_OFFSET,
                pendingIndex,
                nowNs);
        lastInitiationSentNs = nowNs;
        retransmitAtNs =
                nowNs
                        + TimerConstants.REKEY_TIMEOUT_NS
                        + (long)
                                (owner.random().nextDouble()
                                        * TimerConstants.REKEY_TIMEOUT_JITTER_MAX_NS);
        lastSentNs = nowNs;
        owner.handshakesSent.incrementAndGet();
        return InitiationMessage.LENGTH;
    }

    /** An initiation from this peer (decrypted by the TunnelSet): answers with a response. */
    synchronized TunnelResult respond(
            Handshake.ConsumedInitiation consumed,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        result.tunnel = this;
        if (closed) {
            return owner.count(result.drop(DropReason.TUNNEL_CLOSED));
        }
        if (nowNs - lastInitiationConsumedNs < TimerConstants.HANDSHAKE_INITIATION_RATE_NS) {
            return owner.count(result.drop(DropReason.HANDSHAKE_FLOOD));
        }
        if (handshake.acceptInitiation(consumed) != Handshake.Rejection.NONE) {
            return owner.count(result.drop(DropReason.STALE_TIMESTAMP));
        }
        lastInitiationConsumedNs = nowNs;
        // Authenticated by the peer's static key and a timestamp newer than any before.
        result.authenticated = true;
        if (out.capacity() - outOffset < ResponseMessage.LENGTH) {
            return owner.count(result.drop(DropReason.BUFFER_TOO_SMALL));
        }
        TunnelSet.IndexOwner slot = new TunnelSet.IndexOwner(this, null);
        int index = owner.indices().allocate(slot);
        Keypair keypair = handshake.createResponse(out, outOffset, index, nowNs);
        owner.indices().replace(index, new TunnelSet.IndexOwner(this, keypair));
        cookies.stamp(
                out,
                outOffset,
                ResponseMessage.MAC1_OFFSET,
                ResponseMessage.MAC2_OFFSET,
                index,
                nowNs);
        retire(next);
        next = keypair;
        handshakeCompleted(nowNs);
        lastSentNs = nowNs;
        owner.handshakesReceived.incrementAndGet();
        return result.write(Action.WRITE_TO_NETWORK, ResponseMessage.LENGTH);
    }

    /** A response to our initiation: installs the session and sends a keepalive on it. */
    synchronized TunnelResult consumeResponse(
            ByteBuffer in,
            int offset,
            ByteBuffer out,
            int outOffset,
            long nowNs,
            TunnelResult result) {
        result.tunnel = this;
        if (closed) {
            return owner.count(result.drop(DropReason.TUNNEL_CLOSED));
        }
        int receiver = LittleEndian.getInt(in, offset + ResponseMessage.RECEIVER_OFFSET);
        if (handshake.state() != Handshake.State.INITIATION_SENT || receiver != pendingIndex) {
            return owner.count(result.drop(DropReason.UNEXPECTED_RESPONSE));
        }
        Keypair keypair = handshake.consumeResponse(in, offset, nowNs);
        if (keypair == null) {
            owner.handshakesFailed.incrementAndGet();
            return owner.count(result.drop(DropReason.HANDSHAKE_AUTHENTICATION_FAILED));
        }
        owner.indices().replace(pendingIndex, new TunnelSet.IndexOwner(this, keypair));
        pendingIndex = 0;
        retire(next);
        next = null;
        retire(previous);
        previous = current;
        current = keypair;
        handshakeCompleted(nowNs);
        lastReceivedNs = nowNs;
        owner.handshakesCompleted.incrementAndGet();
        result.sessionEstablished = true;
        // Confirm the session to the responder right away (section 6.1: a keepalive if no data).
        return encapsulate(owner.emptyPacket(), 0, 0, out, outOffset, nowNs, result)
                .sessionFlag(true)
                .authenticatedFlag(true);
    }

    private void handshakeCompleted(long nowNs) {
        lastHandshakeCompletedNs = nowNs;
        lastHandshakeWallNs = owner.wallClockNs();
        handshakeRequested = false;
        rekeyOnReceiveRequested = false;
        handshakeAttemptsStartNs = 0;
    }

    /**
     * A cookie reply addressed to our last initiation (or response). Taken once, for mac2 of our
     * next message; never {@link TunnelResult#authenticated()}: it cannot move the endpoint.
     */
    synchronized TunnelResult consumeCookieReply(
            ByteBuffer in, int offset, long nowNs, TunnelResult result) {
        result.tunnel = this;
        if (closed) {
            return owner.count(result.drop(DropReason.TUNNEL_CLOSED));
        }
        if (!cookies.consumeReply(in, offset, nowNs)) {
            return owner.count(result.drop(DropReason.BAD_COOKIE_REPLY));
        }
        return result;
    }

    // ======================================================================= timers

    /**
     * Runs due timers (whitepaper section 6); writes at most one message into {@code out}. Call
     * again while it returns WRITE_TO_NETWORK; {@link #nextDeadlineNs} says when to call next.
     */
    public synchronized TunnelResult pollTimers(
            ByteBuffer out, int outOffset, long nowNs, TunnelResult result) {
        result.reset();
        result.tunnel = this;
        if (closed) {
            return result;
        }
        if (lastHandshakeCompletedNs != 0
                && nowNs - lastHandshakeCompletedNs >= TimerConstants.ZERO_KEYS_AFTER_NS
                && (current != null || previous != null || next != null)) {
            retire(previous);
            retire(current);
            retire(next);
            previous = null;
            current = null;
            next = null;
            handshake.clear();
        }
        if (handshake.state() == Handshake.State.INITIATION_SENT && nowNs >= retransmitAtNs) {
            if (nowNs - handshakeAttemptsStartNs >= TimerConstants.REKEY_ATTEMPT_TIME_NS) {
                handshake.clear();
                owner.indices().remove(pendingIndex);
                pendingIndex = 0;
                handshakeRequested = false;
                handshakeAttemptsStartNs = 0;
                owner.handshakesFailed.incrementAndGet();
                result.handshakeAbandoned = true;
                return result;
            }
            return result.write(Action.WRITE_TO_NETWORK, writeInitiation(out, outOffset, nowNs));
        }
        if (newHandshakeDeadlineNs != 0 && nowNs >= newHandshakeDeadlineNs) {
            newHandshakeDeadlineNs = 0;
            handshakeRequested = true;
        }
        if (handshakeRequested
                && handshake.state() != Handshake.State.INITIATION_SENT
                && nowNs - lastInitiationSentNs >= TimerConstants.REKEY_TIMEOUT_NS) {
            handshakeRequested = false;
            if (handshakeAttemptsStartNs == 0) {
                handshakeAttemptsStartNs = nowNs;
            }
            return result.write(Action.WRITE_TO_NETWORK, writeInitiation(out, outOffset, nowNs));
        }
        boolean keepaliveDue = keepaliveDeadlineNs != 0 && nowNs >= keepaliveDeadlineNs;
        boolean persistentDue =
                persistentKeepaliveNs > 0 && nowNs - lastSentNs >= persistentKeepaliveNs;
        if (keepaliveDue || persistentDue) {
            keepaliveDeadlineNs = 0;
            TunnelResult sent =
                    encapsulate(owner.emptyPacket(), 0, 0, out, outOffset, nowNs, result);
            if (sent.staged()) {
                // No session: a persistent keepalive needs one, so a handshake was requested.
                lastSentNs = nowNs;
                result.reset();
                result.tunnel = this;
            }
            return result;
        }
        return result;
    }

    /**
     * The deadline the timer owner last planned to wake at ({@link #nextDeadlineNs()}); the data
     * path compares the deadlines it sets with it (see {@link TunnelResult#timersChanged()}).
     */
    private volatile long plannedWakeNs = Long.MAX_VALUE;

    /**
     * The earliest time a timer may need {@link #pollTimers}, or Long.MAX_VALUE. The caller is
     * taken to sleep until then: a data-path call that needs the timers sooner says so through
     * {@link TunnelResult#timersChanged()}.
     */
    public synchronized long nextDeadlineNs() {
        long deadline = earliestDeadlineNs();
        plannedWakeNs = deadline;
        return deadline;
    }

    private long earliestDeadlineNs() {
        long deadline = Long.MAX_VALUE;
        if (closed) {
            return deadline;
        }
        if (handshake.state() == Handshake.State.INITIATION_SENT) {
            deadline = Math.min(deadline, retransmitAtNs);
        }
        if (handshakeRequested) {
            deadline = Math.min(deadline, lastInitiationSentNs + TimerConstants.REKEY_TIMEOUT_NS);
        }
        if (newHandshakeDeadlineNs != 0) {
            deadline = Math.min(deadline, newHandshakeDeadlineNs);
        }
        if (keepaliveDeadlineNs != 0) {
            deadline = Math.min(deadline, keepaliveDeadlineNs);
        }
        if (persistentKeepaliveNs > 0) {
            deadline = Math.min(deadline, lastSentNs + persistentKeepaliveNs);
        }
        if (lastHandshakeCompletedNs != 0 && current != null) {
            deadline =
                    Math.min(
                            deadline, lastHandshakeCompletedNs + TimerConstants.ZERO_KEYS_AFTER_NS);
        }
        return deadline;
    }

    /** Asks for a handshake at the next {@link #pollTimers} (e.g. after an endpoint change). */
    public void requestHandshake() {
        handshakeRequested = true;
    }

    // ======================================================================= status

    /** True when a session can carry data now. */
    public boolean hasSession(long nowNs) {
        Keypair keypair = current;
        return !closed && keypair != null && usableForSending(keypair, nowNs);
    }

    /** Wall-clock time (epoch ns) of the last completed handshake, or 0. */
    public long lastHandshakeWallNs() {
        return lastHandshakeWallNs;
    }

    /** Monotonic time of the last completed handshake, or 0. */
    public long lastHandshakeNs() {
        return lastHandshakeCompletedNs;
    }

    public long transmittedBytes() {
        return transmittedBytes.get();
    }

    public long receivedBytes() {
        return receivedBytes.get();
    }

    /** Monotonic time anything authenticated was last received from the peer, or 0. */
    public long lastReceivedNs() {
        return lastReceivedNs;
    }

    Keypair currentKeypair() {
        return current;
    }

    Keypair nextKeypair() {
        return next;
    }

    Keypair previousKeypair() {
        return previous;
    }

    /** True once {@link #close} has run. */
    public boolean closed() {
        return closed;
    }

    /**
     * Forgets every session and the handshake, zeroing their keys, our static private key's copy,
     * the static-static secret and the preshared key, as after a removal of the peer. Every later
     * call is a counted drop (timers do nothing). Idempotent; safe while another thread
     * encapsulates (see the class comment).
     */
    public synchronized void close() {
        closed = true;
        retire(previous);
        retire(current);
        retire(next);
        previous = null;
        current = null;
        next = null;
        if (pendingIndex != 0) {
            owner.indices().remove(pendingIndex);
            pendingIndex = 0;
        }
        handshake.destroy();
        cookies.clear();
    }

    /** The handshake state, for tests that check its secrets are zeroed. */
    Handshake handshakeState() {
        return handshake;
    }
}

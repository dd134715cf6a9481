package dev.sluice.crypto.session;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transport session's keys (whitepaper section 5.4.5): sending and receiving ChaCha20 keys as
 * little-endian words, our index and the peer's, the send counter and the receive replay window.
 *
 * <p>The send counter is atomic (the outbound agent and the control thread's keepalives both send);
 * the replay window belongs to the decapsulating thread. {@link #wipe()} zeroes the keys when the
 * session leaves rotation, possibly while another thread is using them: a user reads the keys, then
 * asks {@link #wipedDuringUse()} and discards its output when it answers true (the optimistic read
 * of {@link java.util.concurrent.locks.StampedLock}, without a lock on the data path).
 */
public final class Keypair {
    private final int[] sendKey;
    private final int[] receiveKey;
    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private final long createdNs;
    private final AtomicLong sendCounter = new AtomicLong();
    private final ReplayWindow replay = new ReplayWindow();
    private volatile boolean wiped;

    public Keypair(
            int[] sendKey,
            int[] receiveKey,
            int localIndex,
            int remoteIndex,
            boolean initiator,
            long createdNs) {
        this.sendKey = sendKey.clone();
        this.receiveKey = receiveKey.clone();
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.createdNs = createdNs;
    }

    public int[] sendKey() {
        return sendKey;
    }

    public int[] receiveKey() {
        return receiveKey;
    }

    public int localIndex() {
        return localIndex;
    }

    public int remoteIndex() {
        return remoteIndex;
    }

    /** True when we sent the initiation of the handshake that made this keypair. */
    public boolean initiator() {
        return initiator;
    }

    public long createdNs() {
        return createdNs;
    }

    /** The next send nonce (0, 1, 2, ...). */
    public long nextSendCounter() {
        return sendCounter.getAndIncrement();
    }

    /** Nonces used so far. */
    public long sendCount() {
        return sendCounter.get();
    }

    public ReplayWindow replay() {
        return replay;
    }

    public boolean wiped() {
        return wiped;
    }

    /**
     * After a seal or open with these keys: true when a {@link #wipe()} may have overlapped it, so
     * that the keys read may have been partly zero and the output must be discarded. Orders the
     * caller's earlier key reads before the check.
     */
    public boolean wipedDuringUse() {
        VarHandle.acquireFence();
        return wiped;
    }

    /** Zeroes both keys; the keypair must not be used afterwards. */
    public void wipe() {
        wiped = true;
        // The mark becomes visible before any zero does (see wipedDuringUse).
        VarHandle.storeStoreFence();
        Arrays.fill(sendKey, 0);
        Arrays.fill(receiveKey, 0);
    }
}

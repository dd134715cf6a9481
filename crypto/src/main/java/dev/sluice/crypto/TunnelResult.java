package dev.sluice.crypto;

/**
 * The outcome of one call, filled in place so the data path allocates nothing: the {@link Action},
 * the bytes written, the drop reason, the tunnel concerned, and flags for the caller's bookkeeping.
 * Reused call after call by one thread.
 */
public final class TunnelResult {
    Action action;
    DropReason dropReason;
    Tunnel tunnel;
    int length;
    boolean staged;
    boolean sessionEstablished;
    boolean handshakeAbandoned;
    boolean cookieReplySent;
    boolean keepalive;
    boolean authenticated;
    boolean timersChanged;

    void reset() {
        action = Action.DONE;
        dropReason = null;
        tunnel = null;
        length = 0;
        staged = false;
        sessionEstablished = false;
        handshakeAbandoned = false;
        cookieReplySent = false;
        keepalive = false;
        authenticated = false;
        timersChanged = false;
    }

    TunnelResult drop(DropReason reason) {
        action = Action.DROP;
        dropReason = reason;
        return this;
    }

    TunnelResult sessionFlag(boolean established) {
        sessionEstablished = established;
        return this;
    }

    TunnelResult authenticatedFlag(boolean authenticated) {
        this.authenticated = authenticated;
        return this;
    }

    TunnelResult write(Action action, int length) {
        this.action = action;
        this.length = length;
        return this;
    }

    public Action action() {
        return action;
    }

    public DropReason dropReason() {
        return dropReason;
    }

    /** The tunnel (peer) the message belonged to, when known. */
    public Tunnel tunnel() {
        return tunnel;
    }

    /** Bytes written to {@code out}. */
    public int length() {
        return length;
    }

    /**
     * Encapsulate found no usable session: the caller keeps the packet and encapsulates it again
     * after {@link #sessionEstablished()} (a handshake has been requested).
     */
    public boolean staged() {
        return staged;
    }

    /** A session just became usable for sending: flush staged packets now. */
    public boolean sessionEstablished() {
        return sessionEstablished;
    }

    /** REKEY_ATTEMPT_TIME passed without a handshake: drop the staged packets. */
    public boolean handshakeAbandoned() {
        return handshakeAbandoned;
    }

    /** The message was answered with a cookie reply (we are under load). */
    public boolean cookieReplySent() {
        return cookieReplySent;
    }

    /** A keepalive (empty transport message) was received or is being sent. */
    public boolean keepalive() {
        return keepalive;
    }

    /**
     * The call gave the tunnel a timer deadline earlier than the one its timer owner last planned
     * for ({@link Tunnel#nextDeadlineNs()}), or asked for a handshake: the owner, which may be
     * asleep until that planned time, must be woken to call {@link Tunnel#pollTimers} again.
     */
    public boolean timersChanged() {
        return timersChanged;
    }

    /**
     * The message was proven to come from {@link #tunnel()}'s peer: transport data or a keepalive
     * that opened under a session key and passed the replay window, an initiation with the peer's
     * static key and a fresh timestamp, or a response to our initiation. Only such a message may
     * move the peer's endpoint to its source address (roaming, as wireguard-go does); a cookie
     * reply, which anyone who saw our handshake can make, never is.
     */
    public boolean authenticated() {
        return authenticated;
    }
}

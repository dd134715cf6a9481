package dev.sluice.crypto;

/** Why the core refused a message; each is a counter ({@link #counterName()} is its label). */
public enum DropReason {
    MALFORMED("malformed"),
    UNKNOWN_RECEIVER_INDEX("unknown_receiver_index"),
    REPLAYED("replayed"),
    DECRYPTION_FAILED("decryption_failed"),
    EXPIRED_KEYPAIR("expired_keypair"),
    NONCE_EXHAUSTED("nonce_exhausted"),
    INVALID_MAC1("invalid_mac1"),
    UNKNOWN_PEER("unknown_peer"),
    HANDSHAKE_AUTHENTICATION_FAILED("handshake_authentication_failed"),
    STALE_TIMESTAMP("stale_timestamp"),
    HANDSHAKE_FLOOD("handshake_flood"),
    UNEXPECTED_RESPONSE("unexpected_response"),
    BAD_COOKIE_REPLY("bad_cookie_reply"),
    RATE_LIMITED("rate_limited"),
    BUFFER_TOO_SMALL("buffer_too_small"),
    /** The tunnel (or the whole set) was closed and its keys zeroed. */
    TUNNEL_CLOSED("tunnel_closed");

    private final String counterName;

    DropReason(String counterName) {
        this.counterName = counterName;
    }

    public String counterName() {
        return counterName;
    }
}

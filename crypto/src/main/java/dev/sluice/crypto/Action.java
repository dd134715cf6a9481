package dev.sluice.crypto;

/** What the caller must do after a call into the protocol core. */
public enum Action {
    /** Send {@link TunnelResult#length()} bytes of {@code out} to the peer's endpoint. */
    WRITE_TO_NETWORK,
    /** Write {@link TunnelResult#length()} bytes of {@code out} (a decrypted packet) to the tun. */
    WRITE_TO_TUNNEL,
    /** Nothing to send or deliver (state may have changed: see the result's flags). */
    DONE,
    /** The input was dropped; {@link TunnelResult#dropReason()} says why (and was counted). */
    DROP
}

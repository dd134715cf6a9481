package dev.sluice.config;

/**
 * {@code [Interface] KillSwitch}: when traffic the policy tunnels may leave the host only through
 * the tunnel (docs/operations.md, "Kill switch").
 */
public enum KillSwitchMode {
    /** No block: today's behaviour. */
    OFF,
    /**
     * From connect until an operator disconnects, including while connecting, re-handshaking and
     * after the daemon died.
     */
    ON,
    /** As {@link #ON}, and also while disconnected and from early boot. */
    ALWAYS;

    /** The configuration word: {@code off}, {@code on}, {@code always}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

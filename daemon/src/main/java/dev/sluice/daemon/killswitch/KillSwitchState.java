package dev.sluice.daemon.killswitch;

/** What the kill switch does now, as {@code status} shows it. */
public enum KillSwitchState {
    /** No block in place. */
    OFF("off"),
    /** In place while the tunnel is connected: traffic the policy tunnels can only use it. */
    ARMED("armed"),
    /** In place without a connected tunnel: only the allowed list leaves the host. */
    BLOCKING("blocking");

    private final String word;

    KillSwitchState(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}

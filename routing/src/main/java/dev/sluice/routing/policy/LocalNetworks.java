package dev.sluice.routing.policy;

/**
 * {@code [Split] LocalNetworks}: whether the machine's attached networks stay reachable directly.
 */
public enum LocalNetworks {
    /**
     * Attached networks bypass the tunnel (the default): printers, NAS, the router stay reachable.
     */
    BYPASS,
    /** Attached networks follow the lists and the mode like any other address. */
    TUNNEL
}

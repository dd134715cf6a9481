package dev.sluice.routing.policy;

/** Which rule decided a verdict (shown by {@code classify --json} and {@code status}). */
public enum DecisionSource {
    /** The mode's default: nothing more specific matched. */
    DEFAULT("default"),
    /** A {@code [Split] Tunnel} prefix. */
    TUNNEL_LIST("tunnel-list"),
    /** A {@code [Split] Bypass} prefix. */
    BYPASS_LIST("bypass-list"),
    /** A peer's AllowedIPs, used as the Tunnel list in include mode when none is given. */
    ALLOWED_IPS("allowed-ips"),
    /** One of the machine's attached networks ({@code LocalNetworks = bypass}). */
    LOCAL_NETWORK("local-network"),
    /** A special-purpose range: loopback, multicast, link-local, broadcast, unspecified. */
    SPECIAL("special"),
    /** An address learned from a DNS answer for a TunnelDomains name. */
    DOMAIN_TUNNEL("tunnel-domain"),
    /** An address learned from a DNS answer for a BypassDomains name. */
    DOMAIN_BYPASS("bypass-domain"),
    /** A peer's endpoint: never sent into the tunnel (that would loop). */
    ENDPOINT("endpoint"),
    /** A tunnel resolver ({@code [Interface] DNS}): always tunnelled. */
    DNS_SERVER("dns-server");

    private static final DecisionSource[] BY_CODE = values();

    private final String label;

    DecisionSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static DecisionSource ofCode(int code) {
        return BY_CODE[code];
    }
}

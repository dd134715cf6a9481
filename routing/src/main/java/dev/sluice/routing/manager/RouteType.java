package dev.sluice.routing.manager;

/** Kinds of route Sluice installs in its private table. */
public enum RouteType {
    /** Through an interface (the tun). */
    UNICAST("dev"),
    /** Leave this table: the next policy rule decides (kernel strategy bypass). */
    THROW("throw"),
    /** Refuse with ICMP administratively prohibited (kernel strategy drop). */
    PROHIBIT("prohibit");

    private final String word;

    RouteType(String word) {
        this.word = word;
    }

    /** The word iproute2 uses. */
    public String word() {
        return word;
    }
}

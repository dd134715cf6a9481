package dev.sluice.routing.policy;

/** What happens to a packet: encrypted to a peer, handed back to the host stack, or dropped. */
public enum Verdict {
    TUNNEL("tunnel"),
    BYPASS("bypass"),
    DROP("drop");

    private static final Verdict[] BY_CODE = values();

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** Lower-case word used by {@code classify}, metrics and logs. */
    public String label() {
        return label;
    }

    static Verdict ofCode(int code) {
        return BY_CODE[code];
    }
}

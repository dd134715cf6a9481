package dev.sluice.routing.policy;

/** {@code [Split] Mode}: which side addresses matched by no list fall to. */
public enum SplitMode {
    /** Only Tunnel prefixes (default: the peers' AllowedIPs) use the tunnel; the rest bypasses. */
    INCLUDE,
    /** Everything uses the tunnel except Bypass prefixes. */
    EXCLUDE
}

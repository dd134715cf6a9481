package dev.sluice.config;

/** {@code [Split] Strategy}: where decisions are made (DESIGN.md, Linux integration). */
public enum RoutingStrategy {
    /** Every packet reaches userspace; the OS table holds only a default route to the tun. */
    CAPTURE,
    /** The policy is compiled into aggregated OS routes; bypass traffic never reaches userspace. */
    KERNEL
}

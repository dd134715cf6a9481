package dev.sluice.config;

/** {@code [Split] Strategy}: where decisions are made (DESIGN.md, Linux integration). */
public enum RoutingStrategy {
    /** Every packet reaches userspace; the OS table holds only a default route to the tun. */
    CAPTURE,
    /** The policy is compiled into aggregated OS routes; bypass traffic never reaches userspace. */
    KERNEL;

    /**
     * The strategy when the configuration names none, on the system {@code osName} ({@code
     * os.name}) describes: {@code kernel} on macOS, where a packet written to a utun cannot be sent
     * on to the physical interface, so capture cannot work; {@code capture} elsewhere.
     */
    public static RoutingStrategy defaultFor(String osName) {
        String name = osName.toLowerCase(java.util.Locale.ROOT);
        return name.contains("mac") || name.contains("darwin") ? KERNEL : CAPTURE;
    }
}

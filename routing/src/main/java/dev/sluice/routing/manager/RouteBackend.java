package dev.sluice.routing.manager;

/** Applies operations to a real system (netlink, nft, /proc/sys) or records them (tests). */
public interface RouteBackend {
    /** Applies one operation; throws naming it and the reason when the system refuses. */
    void apply(Operation operation) throws RouteException;

    /** The current value of a sysctl (to remember before changing it). */
    String readSysctl(String key) throws RouteException;
}

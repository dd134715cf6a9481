package dev.sluice.daemon.platform;

/**
 * Keeps a connection's routing entries in place while it runs: watches the system's routing
 * changes, puts back what others remove (through the journal), and reports a change of underlay
 * (another network) to the connection. The platform starts it; the connection closes it.
 */
public interface RouteMonitor extends AutoCloseable {
    /** Routes others added that take precedence over Sluice's, one line each (may be empty). */
    java.util.List<String> overrides();

    /** Why keeping the entries in place stopped, or null while it works. */
    String failure();

    @Override
    void close();
}

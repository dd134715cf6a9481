/**
 * One connection: from a configuration to a running tunnel (tun, UDP transport, protocol core, data
 * plane, routes) and back. {@link dev.sluice.daemon.connection.CaptureRoutes} says what the system
 * must hold; {@link dev.sluice.daemon.connection.Connection} builds and tears down.
 *
 * <p>Control path; a connection is opened and closed by one thread.
 */
package dev.sluice.daemon.connection;

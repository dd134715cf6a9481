/**
 * The route manager's model, independent of any operating system: what Sluice may change (routes in
 * its table, policy rules, sysctls, one firewall table), the operations that change them (each with
 * its inverse, for the journal), and {@link dev.sluice.routing.manager.RouteManager}, which moves
 * the system to a desired state through a {@link dev.sluice.routing.manager.RouteBackend}.
 *
 * <p>Operations print as one line of text ({@code route add 0.0.0.0/0 dev sluice0 table 51820}):
 * the transcript golden tests compare. Control path only; the manager is used by one thread.
 */
package dev.sluice.routing.manager;

/**
 * The service's life: stop signals now; the connection state machine of the daemon builds on it.
 */
package dev.sluice.daemon.lifecycle;

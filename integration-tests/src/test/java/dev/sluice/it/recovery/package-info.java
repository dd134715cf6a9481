/**
 * Crash safety in a network namespace: Sluice halted at every step of connect and killed in steady
 * state, then {@code sluice recover}, and the system must be exactly as before; a state directory
 * that cannot be written must stop the connect before anything changes.
 */
package dev.sluice.it.recovery;

/**
 * Crash safety and reconciliation in a network namespace: Sluice halted at every step of connect
 * and killed in steady state, then {@code sluice recover}, and the system must be exactly as
 * before; a state directory that cannot be written must stop the connect before anything changes;
 * entries another program deletes while connected come back, without a fight in a loop.
 */
package dev.sluice.it.recovery;

/**
 * The stock {@code wg} against Sluice's WireGuard API in the lab topology: what {@code wg set} and
 * {@code wg setconf} may change while the tunnel runs, and what it refuses.
 */
package dev.sluice.it.uapi;

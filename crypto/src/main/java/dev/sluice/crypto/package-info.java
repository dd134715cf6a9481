/**
 * The WireGuard protocol core, sans I/O (whitepaper sections 5 and 6), and the key value types the
 * configuration uses.
 *
 * <p>Secrets ({@link dev.sluice.crypto.PrivateKey}, {@link dev.sluice.crypto.PresharedKey}) never
 * print their bytes from {@code toString()}, compare in constant time and can be zeroed.
 */
package dev.sluice.crypto;

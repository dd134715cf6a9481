/**
 * Flyweights over the four WireGuard messages (whitepaper section 5.4): handshake initiation (type
 * 1, 148 bytes), handshake response (type 2, 92 bytes), cookie reply (type 3, 64 bytes) and
 * transport data (type 4, 16-byte header plus ciphertext). Multi-byte fields are little-endian on
 * the wire whatever the buffer's byte order; messages are built in place.
 *
 * <p>Allocation-free; one owner thread at a time.
 */
package dev.sluice.crypto.message;

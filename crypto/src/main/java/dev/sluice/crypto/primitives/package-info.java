/**
 * The cryptographic primitives WireGuard is built from (whitepaper section 5.4): BLAKE2s for HASH,
 * MAC, HMAC and KDF; X25519; ChaCha20-Poly1305 (RFC 8439) for transport and handshake AEAD;
 * XChaCha20-Poly1305 for cookies; TAI64N timestamps.
 *
 * <p>Where each comes from, by measurement on the reference machine (JDK 25, AVX2, no AVX-512): the
 * ChaCha20 keystream from the JDK's intrinsic (the only fast ChaCha20 available; reached without
 * the allocating {@code Cipher} wrapper, with a scalar fallback), Poly1305 in Sluice (the JDK's is
 * not intrinsified without AVX-512 and allocates per message; BouncyCastle's is half as fast),
 * BLAKE2s, X25519 and XChaCha20 from BouncyCastle (control path only).
 *
 * <p>Allocation: {@link dev.sluice.crypto.primitives.ChaCha20Poly1305} seals and opens without
 * allocating. Instances are not thread-safe: one per thread.
 */
package dev.sluice.crypto.primitives;

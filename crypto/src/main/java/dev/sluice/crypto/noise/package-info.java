/**
 * The Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake as WireGuard uses it (whitepaper sections
 * 5.4.2 to 5.4.5) and the denial-of-service defences around it (section 5.4.7: mac1, mac2, cookie
 * replies).
 *
 * <p>Control path: handshakes allocate and take a few hundred microseconds (X25519). A {@link
 * dev.sluice.crypto.noise.Handshake} is one peer's state and is guarded by that peer's lock; {@link
 * dev.sluice.crypto.noise.CookieChecker} is thread-safe.
 */
package dev.sluice.crypto.noise;

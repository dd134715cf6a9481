package dev.sluice.config;

import dev.sluice.crypto.PresharedKey;
import dev.sluice.crypto.PublicKey;
import dev.sluice.routing.IpPrefix;
import java.time.Duration;
import java.util.List;

/**
 * {@code [Peer]}.
 *
 * @param publicKey the peer's public key
 * @param presharedKey optional psk, or null
 * @param endpoint where to send handshakes, or null (the peer must contact us first)
 * @param allowedIps the peer's AllowedIPs (cryptokey routing)
 * @param persistentKeepalive interval, {@link Duration#ZERO} when off
 * @param line where the section starts (for messages about the peer)
 */
public record PeerConfig(
        PublicKey publicKey,
        PresharedKey presharedKey,
        Endpoint endpoint,
        List<IpPrefix> allowedIps,
        Duration persistentKeepalive,
        int line) {
    public PeerConfig {
        allowedIps = List.copyOf(allowedIps);
    }
}

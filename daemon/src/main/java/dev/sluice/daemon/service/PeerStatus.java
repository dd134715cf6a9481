package dev.sluice.daemon.service;

/**
 * One peer as {@code sluice status} shows it.
 *
 * @param latestHandshakeAgeSeconds seconds since the latest completed handshake, or null when none
 */
public record PeerStatus(
        String publicKey,
        String endpoint,
        Long latestHandshakeAgeSeconds,
        long receivedBytes,
        long transmittedBytes) {}

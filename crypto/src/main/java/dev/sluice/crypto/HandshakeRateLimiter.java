package dev.sluice.crypto;

import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets per source address for handshake initiations under load (as wireguard-go's
 * ratelimiter: 20 per second, bursts of 5). Control path; thread-safe.
 */
final class HandshakeRateLimiter {
    static final double PER_SECOND = 20;
    static final double BURST = 5;
    private static final int MAX_SOURCES = 65_536;

    private record Bucket(double tokens, long updatedNs) {}

    private final Map<String, Bucket> buckets = new HashMap<>();

    synchronized boolean allow(byte[] source, long nowNs) {
        if (buckets.size() > MAX_SOURCES) {
            buckets.clear();
        }
        String key = java.util.HexFormat.of().formatHex(source);
        Bucket bucket = buckets.getOrDefault(key, new Bucket(BURST, nowNs));
        double tokens =
                Math.min(BURST, bucket.tokens() + (nowNs - bucket.updatedNs()) / 1e9 * PER_SECOND);
        boolean allowed = tokens >= 1;
        buckets.put(key, new Bucket(allowed ? tokens - 1 : tokens, nowNs));
        return allowed;
    }
}

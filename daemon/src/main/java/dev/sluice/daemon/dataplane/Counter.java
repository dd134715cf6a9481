package dev.sluice.daemon.dataplane;

/** Data-plane counters beyond the decoder's and protocol core's drop reasons. */
public enum Counter {
    OUT_TUNNEL_PACKETS,
    OUT_TUNNEL_BYTES,
    OUT_BYPASS_PACKETS,
    OUT_BYPASS_BYTES,
    OUT_DROP_PACKETS,
    IN_PACKETS,
    IN_BYTES,
    IN_KEEPALIVES,
    HANDSHAKE_MESSAGES_QUEUED,
    ICMP_ERRORS_SENT,
    /** ICMP errors not sent because of the rate limit ({@link IcmpErrorLimiter}). */
    ICMP_ERRORS_SUPPRESSED,
    STAGED_PACKETS,
    MSS_CLAMPED,
    ENDPOINT_CHANGES,
    /** Super-packets read from the tun (offloads) and the segments they were cut into. */
    OUT_SUPER_PACKETS,
    OUT_SEGMENTS,
    /** Tun writes that carried several received packets coalesced (GRO), and those packets. */
    IN_COALESCED_WRITES,
    IN_COALESCED_PACKETS,
    /** UDP sends (one may carry many datagrams with UDP GSO). */
    UDP_SENDS,
    /** Exceptions and read failures on each data path ({@link PathFailures}). */
    OUTBOUND_ERRORS,
    INBOUND_ERRORS,
    CONTROL_ERRORS,
    /** Drops, each with its metric label. */
    DROP_POLICY,
    DROP_NO_PEER,
    DROP_NO_ENDPOINT,
    DROP_STAGE_FULL,
    DROP_HANDSHAKE_ABANDONED,
    DROP_POOL_EXHAUSTED,
    DROP_CONTROL_QUEUE_FULL,
    DROP_INNER_SOURCE_NOT_ALLOWED,
    DROP_INNER_MALFORMED,
    DROP_DEVICE_WRITE_FAILED,
    DROP_TOO_BIG,
    /** Not a WireGuard message: unknown type word or shorter than one. */
    DROP_UNKNOWN_MESSAGE,
    /** A packet read with offloads whose virtio header or headers cannot be segmented. */
    DROP_OFFLOAD_MALFORMED;

    /** The metric label: lower case, without the DROP_ prefix for drops. */
    public String label() {
        String name = name().toLowerCase(java.util.Locale.ROOT);
        return name.startsWith("drop_") ? name.substring(5) : name;
    }

    public boolean isDrop() {
        return name().startsWith("DROP_");
    }
}

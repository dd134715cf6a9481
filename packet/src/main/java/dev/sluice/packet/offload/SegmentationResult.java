package dev.sluice.packet.offload;

/**
 * Outcome of {@link GsoSegmenter#wrap}: {@link #OK} or the first reason the packet and its {@link
 * VirtioNetHeader} cannot be cut into segments. Each non-OK value is a drop counter; {@link
 * #counterName()} is its stable metric label.
 */
public enum SegmentationResult {
    /** The packet can be cut: {@link GsoSegmenter#segmentCount()} segments are ready. */
    OK("ok"),
    /** The bytes given are fewer than the headers need or than the IP length field claims. */
    TRUNCATED("truncated"),
    /** The version nibble is neither 4 nor 6. */
    BAD_VERSION("bad_version"),
    /** A gso_type Sluice never enables: legacy UFO (3), an unknown value, or ECN without TCP. */
    UNSUPPORTED_GSO_TYPE("unsupported_gso_type"),
    /** gso_type and packet disagree: TCPV4 on IPv6, TCPV6 on IPv4, or TCP/UDP not at csum_start. */
    GSO_TYPE_MISMATCH("gso_type_mismatch"),
    /** A super-packet without NEEDS_CSUM, whose transport header is therefore not located. */
    MISSING_CHECKSUM_OFFLOAD("missing_checksum_offload"),
    /** gso_size is zero, or one segment would not fit an IP packet. */
    BAD_GSO_SIZE("bad_gso_size"),
    /** csum_start / csum_offset point outside the packet or not where the transport wants them. */
    BAD_CHECKSUM_OFFSET("bad_checksum_offset"),
    /** IPv4 header length or fragment fields, or the IPv6 extension-header chain, are invalid. */
    BAD_NETWORK_HEADER("bad_network_header"),
    /**
     * An IPv6 Routing header with segments left: the pseudo-header would need the final destination
     * (RFC 8200 section 8.1), which Sluice does not derive.
     */
    UNSUPPORTED_ROUTING_HEADER("unsupported_routing_header"),
    /** The TCP data offset or the UDP header is cut short or inconsistent. */
    BAD_TRANSPORT_HEADER("bad_transport_header");

    private final String counterName;

    SegmentationResult(String counterName) {
        this.counterName = counterName;
    }

    /** Lower-case label used in metrics and logs, stable across releases. */
    public String counterName() {
        return counterName;
    }
}

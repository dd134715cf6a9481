package dev.sluice.packet;

/**
 * Outcome of {@link PacketDecoder#decode}: {@link #OK} or the first reason the bytes are not a
 * packet Sluice will route. Each non-OK value becomes a drop counter; {@link #counterName()} is its
 * stable metric label.
 */
public enum DecodeResult {
    /** A well-formed IPv4 or IPv6 packet; every field of {@link ParsedPacket} is valid. */
    OK("ok"),
    /** Fewer bytes than the headers need, or than the IP length field claims. */
    TRUNCATED("truncated"),
    /** The version nibble is neither 4 nor 6. */
    BAD_VERSION("bad_version"),
    /** IPv4 IHL below 5. */
    BAD_HEADER_LENGTH("bad_header_length"),
    /** IPv4 total length shorter than its header, or an IPv6 jumbogram (payload length 0). */
    BAD_TOTAL_LENGTH("bad_total_length"),
    /** An IPv6 extension header out of place (Hop-by-Hop not first) or running past the packet. */
    BAD_EXTENSION_HEADER("bad_extension_header"),
    /** More IPv6 extension headers than {@link PacketDecoder#MAX_EXTENSION_HEADERS}. */
    TOO_MANY_EXTENSION_HEADERS("too_many_extension_headers"),
    /** The TCP, UDP or ICMP header is cut short, or its own length field is inconsistent. */
    BAD_TRANSPORT_HEADER("bad_transport_header");

    private final String counterName;

    DecodeResult(String counterName) {
        this.counterName = counterName;
    }

    /** Lower-case label used in metrics and logs, stable across releases. */
    public String counterName() {
        return counterName;
    }
}

package dev.sluice.packet;

/**
 * IANA "Assigned Internet Protocol Numbers" used by the decoder: upper-layer protocols and the IPv6
 * extension headers of RFC 8200 section 4.
 */
public final class IpProtocol {
    /**
     * IPv6 Hop-by-Hop Options (RFC 8200 section 4.3); only valid directly after the IPv6 header.
     */
    public static final int HOP_BY_HOP = 0;

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    /** IPv6 Routing header (RFC 8200 section 4.4). */
    public static final int ROUTING = 43;

    /** IPv6 Fragment header (RFC 8200 section 4.5). */
    public static final int FRAGMENT = 44;

    /** Encapsulating Security Payload (RFC 4303): opaque, ends the walk. */
    public static final int ESP = 50;

    /** Authentication Header (RFC 4302): length in 4-octet units minus 2. */
    public static final int AUTHENTICATION = 51;

    public static final int ICMPV6 = 58;

    /** No Next Header (RFC 8200 section 4.7): nothing follows. */
    public static final int NO_NEXT_HEADER = 59;

    /** IPv6 Destination Options (RFC 8200 section 4.6). */
    public static final int DESTINATION_OPTIONS = 60;

    private IpProtocol() {}
}

package dev.sluice.packet.pcap;

/**
 * The tcpdump.org link types this package reads, with the bytes of link-layer header to skip before
 * the IP packet. Sluice writes only {@link #RAW}.
 */
public enum PcapLinkType {
    /** LINKTYPE_ETHERNET: a 14-byte Ethernet II header (untagged) precedes the packet. */
    ETHERNET(1, 14),
    /** LINKTYPE_RAW: the record is an IPv4 or IPv6 packet (what a tun carries). */
    RAW(101, 0),
    /** LINKTYPE_LINUX_SLL: the 16-byte "cooked" header of captures on {@code any}. */
    LINUX_SLL(113, 16),
    /** LINKTYPE_IPV4: raw IPv4 only. */
    IPV4(228, 0),
    /** LINKTYPE_IPV6: raw IPv6 only. */
    IPV6(229, 0),
    /** LINKTYPE_LINUX_SLL2: the 20-byte cooked header of newer tcpdump on {@code any}. */
    LINUX_SLL2(276, 20);

    private final int code;
    private final int linkHeaderLength;

    PcapLinkType(int code, int linkHeaderLength) {
        this.code = code;
        this.linkHeaderLength = linkHeaderLength;
    }

    /** The number in the pcap file header. */
    public int code() {
        return code;
    }

    /** Bytes before the IP header in each record. */
    public int linkHeaderLength() {
        return linkHeaderLength;
    }

    /** The link type with that code, or null when this package cannot read it. */
    public static PcapLinkType fromCode(int code) {
        for (PcapLinkType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}

package dev.sluice.packet;

/** Why a destination-unreachable error is sent: its ICMPv4 and ICMPv6 codes. */
public enum UnreachableReason {
    /** Policy forbids the destination (RFC 1812 code 13; RFC 4443 code 1). */
    ADMINISTRATIVELY_PROHIBITED(
            IcmpHeader.V4_CODE_ADMINISTRATIVELY_PROHIBITED,
            IcmpHeader.V6_CODE_ADMINISTRATIVELY_PROHIBITED),
    /** Nothing can deliver to the destination (RFC 792 code 1; RFC 4443 code 3). */
    HOST_UNREACHABLE(IcmpHeader.V4_CODE_HOST_UNREACHABLE, IcmpHeader.V6_CODE_ADDRESS_UNREACHABLE);

    private final int v4Code;
    private final int v6Code;

    UnreachableReason(int v4Code, int v6Code) {
        this.v4Code = v4Code;
        this.v6Code = v6Code;
    }

    public int v4Code() {
        return v4Code;
    }

    public int v6Code() {
        return v6Code;
    }
}

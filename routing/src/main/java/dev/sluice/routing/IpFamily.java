package dev.sluice.routing;

/** Address family of a prefix, with its address width. */
public enum IpFamily {
    IPV4(32),
    IPV6(128);

    private final int bits;

    IpFamily(int bits) {
        this.bits = bits;
    }

    /** Address width in bits: 32 or 128. */
    public int bits() {
        return bits;
    }
}

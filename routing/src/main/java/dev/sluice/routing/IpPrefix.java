package dev.sluice.routing;

/**
 * An IPv4 or IPv6 prefix (address and length) with no host bits set, held as two {@code long}s:
 * {@link #high()} and {@link #low()} are the 128 address bits of IPv6, and IPv4 occupies the top 32
 * bits of {@code high} (so IPv4 and IPv6 share one bit-addressing scheme in the trie).
 *
 * <p>Text forms: {@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a host prefix (/32 or
 * /128). Parsing accepts only literals (never resolves names), rejects host bits set with the
 * canonical form in the message, and formats IPv6 per RFC 5952.
 */
public final class IpPrefix implements Comparable<IpPrefix> {
    private final IpFamily family;
    private final long high;
    private final long low;
    private final int length;

    private IpPrefix(IpFamily family, long high, long low, int length) {
        this.family = family;
        this.high = high;
        this.low = low;
        this.length = length;
    }

    /** The IPv4 prefix {@code address/length}; host bits must be clear. */
    public static IpPrefix ipv4(int address, int length) {
        checkLength(length, 32);
        long high = (address & 0xffffffffL) << 32;
        if (high != (high & highMask(length))) {
            throw new PrefixFormatException(
                    "host bits set in " + Ipv4Text.format(address) + "/" + length);
        }
        return new IpPrefix(IpFamily.IPV4, high, 0, length);
    }

    /** The IPv6 prefix {@code (high, low)/length}; host bits must be clear. */
    public static IpPrefix ipv6(long high, long low, int length) {
        checkLength(length, 128);
        if (high != (high & highMask(length)) || low != (low & lowMask(length))) {
            throw new PrefixFormatException(
                    "host bits set in " + Ipv6Text.format(high, low) + "/" + length);
        }
        return new IpPrefix(IpFamily.IPV6, high, low, length);
    }

    /** The prefix of {@code length} bits containing the IPv4 address (host bits cleared). */
    public static IpPrefix ipv4Containing(int address, int length) {
        checkLength(length, 32);
        return new IpPrefix(
                IpFamily.IPV4, ((address & 0xffffffffL) << 32) & highMask(length), 0, length);
    }

    /** The prefix of {@code length} bits containing the IPv6 address (host bits cleared). */
    public static IpPrefix ipv6Containing(long high, long low, int length) {
        checkLength(length, 128);
        return new IpPrefix(IpFamily.IPV6, high & highMask(length), low & lowMask(length), length);
    }

    /** A host prefix (/32 or /128). */
    public static IpPrefix hostV4(int address) {
        return ipv4(address, 32);
    }

    public static IpPrefix hostV6(long high, long low) {
        return ipv6(high, low, 128);
    }

    /**
     * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a bare address (a host prefix).
     *
     * @throws PrefixFormatException with a one-sentence message; for host bits set, {@link
     *     PrefixFormatException#canonicalForm()} holds the canonical prefix
     */
    public static IpPrefix parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        boolean ipv6 = addressText.indexOf(':') >= 0;
        int maxLength = ipv6 ? 128 : 32;
        int length = maxLength;
        if (slash >= 0) {
            String lengthText = trimmed.substring(slash + 1);
            if (lengthText.isEmpty() || lengthText.length() > 3 || !isDigits(lengthText)) {
                throw new PrefixFormatException(
                        "'" + trimmed + "' has no valid prefix length after the '/'");
            }
            length = Integer.parseInt(lengthText);
            if (length > maxLength) {
                throw new PrefixFormatException(
                        "'"
                                + trimmed
                                + "' has prefix length "
                                + length
                                + ", more than "
                                + maxLength);
            }
        }
        IpPrefix host = parseAddress(addressText, trimmed);
        IpPrefix canonical =
                ipv6
                        ? ipv6Containing(host.high, host.low, length)
                        : ipv4Containing((int) (host.high >>> 32), length);
        if (canonical.high != host.high || canonical.low != host.low) {
            throw new PrefixFormatException(
                    "'"
                            + trimmed
                            + "' has host bits set; the prefix is "
                            + canonical
                            + " (or write the address as /"
                            + maxLength
                            + ")",
                    canonical.toString());
        }
        return canonical;
    }

    /** Parses an address literal (no length) into a host prefix. */
    public static IpPrefix parseAddress(String text) {
        return parseAddress(text.strip(), text.strip());
    }

    private static IpPrefix parseAddress(String address, String original) {
        if (address.indexOf(':') >= 0) {
            long[] bits = Ipv6Text.parse(address);
            if (bits == null) {
                throw new PrefixFormatException("'" + original + "' is not an IPv6 address");
            }
            return new IpPrefix(IpFamily.IPV6, bits[0], bits[1], 128);
        }
        long v4 = Ipv4Text.parse(address);
        if (v4 < 0) {
            throw new PrefixFormatException("'" + original + "' is not an IP address");
        }
        return new IpPrefix(IpFamily.IPV4, v4 << 32, 0, 32);
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void checkLength(int length, int max) {
        if (length < 0 || length > max) {
            throw new PrefixFormatException("prefix length " + length + " is not in 0.." + max);
        }
    }

    /** Mask of the top {@code length} bits (of 128) within the high word. */
    public static long highMask(int length) {
        return length <= 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    /** Mask of the top {@code length} bits (of 128) within the low word. */
    public static long lowMask(int length) {
        return length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
    }

    public IpFamily family() {
        return family;
    }

    public boolean isIpv4() {
        return family == IpFamily.IPV4;
    }

    /** High 64 address bits (IPv4: the address in the top 32 bits). */
    public long high() {
        return high;
    }

    /** Low 64 address bits (IPv4: zero). */
    public long low() {
        return low;
    }

    /** The IPv4 address as an int in network order; meaningful for IPv4 only. */
    public int ipv4Address() {
        return (int) (high >>> 32);
    }

    public int length() {
        return length;
    }

    /** Bit {@code index} (0 = most significant) of the address. */
    public int bit(int index) {
        return index < 64 ? (int) (high >>> (63 - index)) & 1 : (int) (low >>> (127 - index)) & 1;
    }

    /** True when {@code other} (same family) lies within this prefix. */
    public boolean contains(IpPrefix other) {
        return other.family == family
                && other.length >= length
                && (other.high & highMask(length)) == high
                && (other.low & lowMask(length)) == low;
    }

    /** True when the address {@code (high, low)} of this family lies within this prefix. */
    public boolean containsAddress(long addressHigh, long addressLow) {
        return (addressHigh & highMask(length)) == high && (addressLow & lowMask(length)) == low;
    }

    /** True when the two prefixes share any address (one contains the other). */
    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    /** The prefix one bit shorter containing this one; {@code this} for a /0. */
    public IpPrefix parent() {
        if (length == 0) {
            return this;
        }
        return new IpPrefix(
                family, high & highMask(length - 1), low & lowMask(length - 1), length - 1);
    }

    /** The half of this prefix whose next bit is {@code bit} (0 or 1). */
    public IpPrefix child(int bit) {
        int index = length;
        long h = high;
        long l = low;
        if (bit != 0) {
            if (index < 64) {
                h |= 1L << (63 - index);
            } else {
                l |= 1L << (127 - index);
            }
        }
        return new IpPrefix(family, h, l, length + 1);
    }

    /** The address part as text, without the length. */
    public String addressText() {
        return isIpv4() ? Ipv4Text.format(ipv4Address()) : Ipv6Text.format(high, low);
    }

    /** {@code address/length}. */
    @Override
    public String toString() {
        return addressText() + "/" + length;
    }

    /** Host prefixes print as bare addresses; others as {@link #toString()}. */
    public String toShortString() {
        return length == family.bits() ? addressText() : toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p
                && p.family == family
                && p.high == high
                && p.low == low
                && p.length == length;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high * 31 + low) * 131 + length * 2 + family.ordinal();
    }

    /** IPv4 before IPv6, then by address, then shorter first. */
    @Override
    public int compareTo(IpPrefix o) {
        int c = family.compareTo(o.family);
        if (c == 0) {
            c = Long.compareUnsigned(high, o.high);
        }
        if (c == 0) {
            c = Long.compareUnsigned(low, o.low);
        }
        return c != 0 ? c : Integer.compare(length, o.length);
    }
}

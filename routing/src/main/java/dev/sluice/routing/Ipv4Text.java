package dev.sluice.routing;

/** Dotted-quad IPv4 text: strict parsing (four decimal octets, no leading zeros) and formatting. */
public final class Ipv4Text {
    private Ipv4Text() {}

    /** The address as an unsigned 32-bit value in a long, or -1 when {@code text} is not one. */
    public static long parse(String text) {
        int length = text.length();
        if (length < 7 || length > 15) {
            return -1;
        }
        long value = 0;
        int octets = 0;
        int i = 0;
        while (i <= length) {
            int start = i;
            int octet = 0;
            while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0
                    || digits > 3
                    || octet > 255
                    || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (i == length) {
                break;
            }
            if (text.charAt(i) != '.' || octets == 4) {
                return -1;
            }
            i++;
        }
        return octets == 4 ? value : -1;
    }

    /** {@code a.b.c.d} for an address in network order (first octet in the high byte). */
    public static String format(int address) {
        return (address >>> 24)
                + "."
                + ((address >>> 16) & 0xff)
                + "."
                + ((address >>> 8) & 0xff)
                + "."
                + (address & 0xff);
    }
}

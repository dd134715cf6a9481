package dev.sluice.routing;

/**
 * IPv6 text (RFC 4291 section 2.2): parsing of every standard form (with {@code ::} and an embedded
 * dotted IPv4 tail), formatting per RFC 5952 (lower case, longest zero run of at least two groups
 * compressed, leftmost on ties). Zone indices ({@code %eth0}) are refused.
 */
public final class Ipv6Text {
    private Ipv6Text() {}

    /** {high, low}, or null when {@code text} is not an IPv6 address literal. */
    public static long[] parse(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int compressAt = -1;
        int i = 0;
        int length = text.length();
        if (text.startsWith("::")) {
            compressAt = 0;
            i = 2;
            if (i == length) {
                return new long[] {0, 0};
            }
        } else if (text.charAt(0) == ':') {
            return null;
        }
        while (i < length) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < length && Character.digit(text.charAt(i), 16) >= 0 && i - start < 5) {
                value = (value << 4) | Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i < length && text.charAt(i) == '.') {
                // Embedded IPv4 in the last 32 bits.
                long v4 = Ipv4Text.parse(text.substring(start));
                if (v4 < 0 || count > 6) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                i = length;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == length) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < length && text.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return null;
                }
                compressAt = count;
                i++;
                if (i == length) {
                    break;
                }
            } else if (i == length) {
                return null; // trailing single ':'
            }
        }
        if (compressAt < 0 && count != 8) {
            return null;
        }
        if (compressAt >= 0) {
            if (count == 8) {
                return null; // '::' must stand for at least one group
            }
            int move = count - compressAt;
            for (int k = 0; k < move; k++) {
                groups[7 - k] = groups[count - 1 - k];
            }
            for (int k = compressAt; k < 8 - move; k++) {
                groups[k] = 0;
            }
        }
        long high = 0;
        long low = 0;
        for (int k = 0; k < 4; k++) {
            high = (high << 16) | groups[k];
            low = (low << 16) | groups[k + 4];
        }
        return new long[] {high, low};
    }

    /** RFC 5952 text of the address {@code (high, low)}. */
    public static String format(long high, long low) {
        int[] groups = new int[8];
        for (int k = 0; k < 4; k++) {
            groups[k] = (int) (high >>> (48 - 16 * k)) & 0xffff;
            groups[k + 4] = (int) (low >>> (48 - 16 * k)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int k = 0; k < 8; ) {
            if (groups[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && groups[k] == 0) {
                k++;
            }
            if (k - start > bestLength) {
                bestStart = start;
                bestLength = k - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                text.append(k == 0 ? "::" : ":");
                k += bestLength - 1;
                continue;
            }
            text.append(Integer.toHexString(groups[k]));
            if (k < 7) {
                text.append(':');
            }
        }
        return text.toString();
    }
}

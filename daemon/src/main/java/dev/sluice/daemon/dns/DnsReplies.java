package dev.sluice.daemon.dns;

import java.util.Arrays;

/** Messages the forwarder writes itself: errors for a query, and an ID put into a message. */
public final class DnsReplies {
    private DnsReplies() {}

    /**
     * An error response to {@code query}: its header and question, QR and RA set, RD kept, the
     * given RCODE, no records.
     */
    public static byte[] error(byte[] query, DnsQuery parsed, int rcode) {
        byte[] reply = Arrays.copyOf(query, parsed.questionEnd());
        int flags =
                DnsQuery.FLAG_RESPONSE
                        | DnsQuery.FLAG_RECURSION_AVAILABLE
                        | parsed.flags() & (DnsQuery.OPCODE_MASK | DnsQuery.FLAG_RECURSION_DESIRED)
                        | rcode;
        putShort(reply, 2, flags);
        putShort(reply, 6, 0);
        putShort(reply, 8, 0);
        putShort(reply, 10, 0);
        return reply;
    }

    /**
     * FORMERR for a message whose header is readable but whose question is not (RFC 1035 §4.1.1):
     * the header alone, no sections; null when even the header is missing or it is a response.
     */
    public static byte[] formatError(byte[] message) {
        if (message.length < DnsQuery.HEADER_LENGTH
                || (DnsQuery.unsignedShort(message, 2) & DnsQuery.FLAG_RESPONSE) != 0) {
            return null;
        }
        byte[] reply = Arrays.copyOf(message, DnsQuery.HEADER_LENGTH);
        int flags =
                DnsQuery.FLAG_RESPONSE
                        | DnsQuery.unsignedShort(message, 2)
                                & (DnsQuery.OPCODE_MASK | DnsQuery.FLAG_RECURSION_DESIRED)
                        | DnsQuery.RCODE_FORMERR;
        putShort(reply, 2, flags);
        for (int offset = 4; offset < DnsQuery.HEADER_LENGTH; offset += 2) {
            putShort(reply, offset, 0);
        }
        return reply;
    }

    /** A copy of {@code message} with ID {@code id}. */
    public static byte[] withId(byte[] message, int id) {
        byte[] copy = message.clone();
        putShort(copy, 0, id);
        return copy;
    }

    private static void putShort(byte[] message, int offset, int value) {
        message[offset] = (byte) (value >>> 8);
        message[offset + 1] = (byte) value;
    }
}

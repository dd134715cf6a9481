package dev.sluice.daemon.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import java.util.Locale;

/**
 * What the forwarder reads of a query: the header fields and the one question (RFC 1035 §4.1).
 *
 * <pre>
 *   0      2      4        6        8        10       12
 *   | ID   | flags| QDCOUNT| ANCOUNT| NSCOUNT| ARCOUNT| question: QNAME QTYPE QCLASS | ...
 *   flags: QR(15) OPCODE(14-11) AA TC RD RA Z AD CD RCODE(3-0)
 * </pre>
 *
 * @param id the query ID
 * @param flags the flags word
 * @param name the question name, lower case, without the final dot ("" for the root)
 * @param type the question type (1 A, 28 AAAA, ...)
 * @param questionEnd the offset just after the question
 */
public record DnsQuery(int id, int flags, String name, int type, int questionEnd) {
    public static final int HEADER_LENGTH = 12;
    static final int FLAG_RESPONSE = 0x8000;
    static final int FLAG_TRUNCATED = 0x0200;
    static final int FLAG_RECURSION_DESIRED = 0x0100;
    static final int FLAG_RECURSION_AVAILABLE = 0x0080;
    static final int OPCODE_MASK = 0x7800;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_NOTIMP = 4;

    /**
     * Reads a query.
     *
     * @throws DnsFormatException when the header is short, the message is a response, or it does
     *     not hold exactly one readable question
     */
    public static DnsQuery parse(byte[] message) throws DnsFormatException {
        if (message.length < HEADER_LENGTH) {
            throw new DnsFormatException(
                    "message of " + message.length + " bytes is shorter than a DNS header");
        }
        int flags = unsignedShort(message, 2);
        if ((flags & FLAG_RESPONSE) != 0) {
            throw new DnsFormatException("a response where a query was expected");
        }
        int questions = unsignedShort(message, 4);
        if (questions != 1) {
            throw new DnsFormatException("query with " + questions + " questions, not 1");
        }
        ByteBuf buffer = Unpooled.wrappedBuffer(message);
        try {
            buffer.readerIndex(HEADER_LENGTH);
            DnsQuestion question = DnsRecordDecoder.DEFAULT.decodeQuestion(buffer);
            return new DnsQuery(
                    unsignedShort(message, 0),
                    flags,
                    normalize(question.name()),
                    question.type().intValue(),
                    buffer.readerIndex());
        } catch (Exception e) {
            // Netty reports a bad name or a short buffer with several runtime exceptions.
            throw new DnsFormatException("unreadable question: " + e.getMessage());
        } finally {
            buffer.release();
        }
    }

    /** The opcode (0 is a standard query). */
    public int opcode() {
        return (flags & OPCODE_MASK) >>> 11;
    }

    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    static int unsignedShort(byte[] message, int offset) {
        return (message[offset] & 0xff) << 8 | message[offset + 1] & 0xff;
    }
}

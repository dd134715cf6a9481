package dev.sluice.daemon.dns;

import dev.sluice.routing.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * What the forwarder reads of an upstream response: whether it answers the query it was sent for,
 * and the answer section's addresses and aliases.
 *
 * @param id the response ID
 * @param flags the flags word
 * @param name the question name, lower case, without the final dot
 * @param type the question type
 * @param answers the A, AAAA and CNAME records of the answer section, in order
 */
public record DnsResponse(int id, int flags, String name, int type, List<Answer> answers) {
    private static final int TYPE_A = 1;
    private static final int TYPE_CNAME = 5;
    private static final int TYPE_AAAA = 28;

    /**
     * One answer record.
     *
     * @param owner the record's name, lower case, without the final dot
     * @param ttlSeconds its TTL
     * @param address for A and AAAA, the address as a host prefix; else null
     * @param alias for CNAME, the canonical name; else null
     */
    public record Answer(String owner, long ttlSeconds, IpPrefix address, String alias) {}

    public DnsResponse {
        answers = List.copyOf(answers);
    }

    /** True when this is a response to {@code query}: same ID, QR set, the same question. */
    public boolean answers(DnsQuery query, int sentId) {
        return id == sentId
                && (flags & DnsQuery.FLAG_RESPONSE) != 0
                && name.equals(query.name())
                && type == query.type();
    }

    public boolean truncated() {
        return (flags & DnsQuery.FLAG_TRUNCATED) != 0;
    }

    /**
     * Reads a response: header, one question, the answer section (other sections are not read).
     * Records of other types are skipped.
     *
     * @throws DnsFormatException when any of it cannot be read
     */
    public static DnsResponse parse(byte[] message) throws DnsFormatException {
        if (message.length < DnsQuery.HEADER_LENGTH) {
            throw new DnsFormatException(
                    "message of " + message.length + " bytes is shorter than a DNS header");
        }
        int questions = DnsQuery.unsignedShort(message, 4);
        int answerCount = DnsQuery.unsignedShort(message, 6);
        if (questions != 1) {
            throw new DnsFormatException("response with " + questions + " questions, not 1");
        }
        ByteBuf buffer = Unpooled.wrappedBuffer(message);
        try {
            buffer.readerIndex(DnsQuery.HEADER_LENGTH);
            DnsQuestion question = DnsRecordDecoder.DEFAULT.decodeQuestion(buffer);
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < answerCount; i++) {
                DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(buffer);
                if (record == null) {
                    throw new DnsFormatException("answer " + (i + 1) + " is cut short");
                }
                try {
                    Answer answer = answer(record);
                    if (answer != null) {
                        answers.add(answer);
                    }
                } finally {
                    ReferenceCountUtil.release(record);
                }
            }
            return new DnsResponse(
                    DnsQuery.unsignedShort(message, 0),
                    DnsQuery.unsignedShort(message, 2),
                    DnsQuery.normalize(question.name()),
                    question.type().intValue(),
                    answers);
        } catch (DnsFormatException e) {
            throw e;
        } catch (Exception e) {
            // Netty reports bad names, pointer loops and short buffers as runtime exceptions.
            throw new DnsFormatException("unreadable response: " + e.getMessage());
        } finally {
            buffer.release();
        }
    }

    private static Answer answer(DnsRecord record) {
        if (!(record instanceof DnsRawRecord raw)) {
            return null;
        }
        String owner = DnsQuery.normalize(record.name());
        ByteBuf content = raw.content();
        int type = record.type().intValue();
        if (type == TYPE_A && content.readableBytes() == 4) {
            return new Answer(
                    owner,
                    record.timeToLive(),
                    IpPrefix.hostV4(content.getInt(content.readerIndex())),
                    null);
        }
        if (type == TYPE_AAAA && content.readableBytes() == 16) {
            byte[] bytes = ByteBufUtil.getBytes(content);
            return new Answer(
                    owner,
                    record.timeToLive(),
                    IpPrefix.hostV6(longAt(bytes, 0), longAt(bytes, 8)),
                    null);
        }
        if (record.type() == DnsRecordType.CNAME) {
            // Netty has already decompressed the name in the record's data.
            String alias = DefaultDnsRecordDecoder.decodeName(content.duplicate());
            return new Answer(owner, record.timeToLive(), null, DnsQuery.normalize(alias));
        }
        return null;
    }

    private static long longAt(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | bytes[offset + i] & 0xff;
        }
        return value;
    }
}

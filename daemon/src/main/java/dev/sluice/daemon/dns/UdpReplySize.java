package dev.sluice.daemon.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;

/**
 * How large a UDP reply a client takes, and what it gets instead of a larger one. The limit is the
 * UDP payload size of the query's OPT record, where values under 512 count as 512 (RFC 6891
 * §6.2.5), and 512 without one (RFC 1035 §4.2.1). A reply over the limit goes back truncated (RFC
 * 2181 §9, RFC 6891 §7): the reply's header with TC set, the question, no records but the reply's
 * OPT record without options; the client then asks again over TCP, which carries the whole answer.
 *
 * <p>Upstream servers see the client's OPT record and size their answers to it; this catches those
 * that do not (a hostile or broken resolver on the local network), so the client never gets a
 * datagram it said it cannot take.
 */
final class UdpReplySize {
    /** The limit of a client without EDNS, and the least an OPT record can lower it to. */
    static final int CLASSIC_LIMIT = 512;

    private static final int FLAG_TRUNCATED = DnsQuery.FLAG_TRUNCATED;
    private static final int OPT_FIXED_LENGTH = 11;

    private UdpReplySize() {}

    /** The largest reply {@code query}'s sender takes over UDP. */
    static int limit(byte[] query, DnsQuery parsed) {
        DnsRecord opt = opt(query, parsed.questionEnd());
        if (opt == null) {
            return CLASSIC_LIMIT;
        }
        return Math.max(CLASSIC_LIMIT, opt.dnsClass() & 0xffff);
    }

    /**
     * {@code reply} when it fits the limit of {@code query}'s sender, else the truncated reply
     * described in the class comment. A query that cannot be read was answered with a bare header,
     * which always fits.
     */
    static byte[] fit(byte[] reply, byte[] query) {
        if (reply.length <= CLASSIC_LIMIT || reply.length < DnsQuery.HEADER_LENGTH) {
            return reply;
        }
        DnsQuery parsed;
        try {
            parsed = DnsQuery.parse(query);
        } catch (DnsFormatException e) {
            return reply;
        }
        if (reply.length <= limit(query, parsed)) {
            return reply;
        }
        return truncated(reply, query, parsed);
    }

    private static byte[] truncated(byte[] reply, byte[] query, DnsQuery parsed) {
        DnsRecord replyOpt = opt(reply, questionEnd(reply));
        ByteBuf out = Unpooled.buffer(parsed.questionEnd() + OPT_FIXED_LENGTH);
        try {
            out.writeShort(DnsQuery.unsignedShort(reply, 0));
            out.writeShort(DnsQuery.unsignedShort(reply, 2) | FLAG_TRUNCATED);
            out.writeShort(1);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(replyOpt == null ? 0 : 1);
            // The client's own question, as it wrote it (the case of its letters included).
            out.writeBytes(
                    query, DnsQuery.HEADER_LENGTH, parsed.questionEnd() - DnsQuery.HEADER_LENGTH);
            if (replyOpt != null) {
                out.writeByte(0); // the root name
                out.writeShort(DnsRecordType.OPT.intValue());
                out.writeShort(replyOpt.dnsClass());
                out.writeInt((int) replyOpt.timeToLive());
                out.writeShort(0);
            }
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** Where the question of a reply the forwarder accepted ends (it holds exactly one). */
    private static int questionEnd(byte[] reply) {
        ByteBuf buffer = Unpooled.wrappedBuffer(reply);
        try {
            buffer.readerIndex(DnsQuery.HEADER_LENGTH);
            DnsRecordDecoder.DEFAULT.decodeQuestion(buffer);
            return buffer.readerIndex();
        } catch (Exception e) {
            return -1;
        } finally {
            buffer.release();
        }
    }

    /**
     * The OPT record among the records after the question (which ends at {@code questionEnd}), or
     * null when there is none or the records cannot be read.
     */
    private static DnsRecord opt(byte[] message, int questionEnd) {
        if (questionEnd < 0) {
            return null;
        }
        int records =
                DnsQuery.unsignedShort(message, 6)
                        + DnsQuery.unsignedShort(message, 8)
                        + DnsQuery.unsignedShort(message, 10);
        ByteBuf buffer = Unpooled.wrappedBuffer(message);
        try {
            buffer.readerIndex(questionEnd);
            for (int i = 0; i < records; i++) {
                DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(buffer);
                if (record == null) {
                    return null;
                }
                ReferenceCountUtil.release(record);
                if (record.type() == DnsRecordType.OPT) {
                    return record;
                }
            }
            return null;
        } catch (Exception e) {
            // Netty reports bad names and short buffers as runtime exceptions: no usable OPT.
            return null;
        } finally {
            buffer.release();
        }
    }
}

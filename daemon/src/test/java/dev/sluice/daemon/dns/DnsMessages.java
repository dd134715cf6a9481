package dev.sluice.daemon.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;

/** DNS messages for tests, written with Netty's record encoder (names are not compressed). */
final class DnsMessages {
    static final int A = 1;
    static final int CNAME = 5;
    static final int TXT = 16;
    static final int AAAA = 28;

    private DnsMessages() {}

    /** A record of an answer section. */
    record Rr(String name, int type, long ttl, byte[] data) {
        static Rr a(String name, String address, long ttl) throws Exception {
            return new Rr(name, A, ttl, InetAddress.getByName(address).getAddress());
        }

        static Rr aaaa(String name, String address, long ttl) throws Exception {
            return new Rr(name, AAAA, ttl, InetAddress.getByName(address).getAddress());
        }

        /** A TXT record of one character string of {@code length} (at most 255) bytes. */
        static Rr txt(String name, int length, long ttl) {
            byte[] data = new byte[length + 1];
            data[0] = (byte) length;
            java.util.Arrays.fill(data, 1, data.length, (byte) 't');
            return new Rr(name, TXT, ttl, data);
        }

        static Rr cname(String name, String target, long ttl) {
            ByteBuf data = Unpooled.buffer();
            for (String label : target.split("\\.")) {
                data.writeByte(label.length());
                data.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            data.writeByte(0);
            return new Rr(name, CNAME, ttl, ByteBufUtil.getBytes(data));
        }
    }

    static byte[] query(int id, String name, int type) throws Exception {
        ByteBuf out = Unpooled.buffer();
        header(out, id, 0x0100, 1, 0);
        DnsRecordEncoder.DEFAULT.encodeQuestion(
                new DefaultDnsQuestion(name, DnsRecordType.valueOf(type)), out);
        return ByteBufUtil.getBytes(out);
    }

    static byte[] response(int id, String name, int type, int rcode, Rr... answers)
            throws Exception {
        ByteBuf out = Unpooled.buffer();
        header(out, id, 0x8180 | rcode, 1, answers.length);
        DnsRecordEncoder.DEFAULT.encodeQuestion(
                new DefaultDnsQuestion(name, DnsRecordType.valueOf(type)), out);
        for (Rr rr : answers) {
            DnsRecordEncoder.DEFAULT.encodeRecord(
                    new DefaultDnsRawRecord(
                            rr.name(),
                            DnsRecordType.valueOf(rr.type()),
                            rr.ttl(),
                            Unpooled.wrappedBuffer(rr.data())),
                    out);
        }
        return ByteBufUtil.getBytes(out);
    }

    static int id(byte[] message) {
        return (message[0] & 0xff) << 8 | message[1] & 0xff;
    }

    static int rcode(byte[] message) {
        return message[3] & 0xf;
    }

    private static void header(ByteBuf out, int id, int flags, int questions, int answers) {
        out.writeShort(id);
        out.writeShort(flags);
        out.writeShort(questions);
        out.writeShort(answers);
        out.writeShort(0);
        out.writeShort(0);
    }
}

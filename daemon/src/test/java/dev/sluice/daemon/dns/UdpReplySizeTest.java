package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.dns.DnsMessages.Rr;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UdpReplySizeTest {
    private static final int OPT = 41;

    /**
     * {@code message} with an OPT record (payload size, DO bit, options of {@code optionBytes}).
     */
    private static byte[] withOpt(byte[] message, int payloadSize, int optionBytes) {
        ByteBuffer out = ByteBuffer.allocate(message.length + 11 + optionBytes);
        out.put(message);
        out.putShort(10, (short) (DnsQuery.unsignedShort(message, 10) + 1));
        out.put((byte) 0).putShort((short) OPT).putShort((short) payloadSize);
        out.putInt(0x0000_8000).putShort((short) optionBytes);
        out.put(new byte[optionBytes]);
        return out.array();
    }

    private static byte[] answerOf(int bytes) throws Exception {
        Rr[] records = new Rr[bytes / 279];
        for (int i = 0; i < records.length; i++) {
            records[i] = Rr.txt("big.example.", 255, 60);
        }
        return DnsMessages.response(0x1111, "big.example.", DnsMessages.TXT, 0, records);
    }

    @Test
    void shouldTake512WhenTheQueryHasNoOptAndAtLeast512WhenItOffersLess() throws Exception {
        byte[] plain = DnsMessages.query(1, "big.example.", DnsMessages.TXT);
        byte[] small = withOpt(plain, 100, 0);
        byte[] large = withOpt(plain, 4_096, 0);

        assertThat(UdpReplySize.limit(plain, DnsQuery.parse(plain))).isEqualTo(512);
        assertThat(UdpReplySize.limit(small, DnsQuery.parse(small))).isEqualTo(512);
        assertThat(UdpReplySize.limit(large, DnsQuery.parse(large))).isEqualTo(4_096);
    }

    @Test
    void shouldPassAReplyThroughUnchangedWhenItFitsTheClientsPayload() throws Exception {
        byte[] query = withOpt(DnsMessages.query(0x1111, "big.example.", 16), 4_096, 0);
        byte[] reply = answerOf(4_000);

        assertThat(UdpReplySize.fit(reply, query)).isSameAs(reply);
    }

    @Test
    void shouldKeepTheRepliesOptWithoutItsOptionsWhenTruncating() throws Exception {
        byte[] query = withOpt(DnsMessages.query(0x1111, "BIG.example.", 16), 1_232, 0);
        byte[] reply = withOpt(answerOf(3_000), 1_400, 40);

        byte[] fitted = UdpReplySize.fit(reply, query);

        DnsQuery asked = DnsQuery.parse(query);
        DnsResponse parsed = DnsResponse.parse(fitted);
        assertThat(parsed.truncated()).isTrue();
        assertThat(parsed.answers()).isEmpty();
        assertThat(Arrays.copyOfRange(fitted, 12, asked.questionEnd()))
                .as("the client's question, letter case included")
                .isEqualTo(Arrays.copyOfRange(query, 12, asked.questionEnd()));
        assertThat(DnsQuery.unsignedShort(fitted, 10)).as("ARCOUNT").isEqualTo(1);
        ByteBuffer opt = ByteBuffer.wrap(fitted, asked.questionEnd(), 11);
        assertThat(opt.get()).isZero();
        assertThat(opt.getShort()).isEqualTo((short) OPT);
        assertThat(opt.getShort() & 0xffff).as("the resolver's payload size").isEqualTo(1_400);
        assertThat(opt.getInt()).as("extended RCODE, version, DO").isEqualTo(0x0000_8000);
        assertThat(opt.getShort()).as("no options").isZero();
        assertThat(fitted).hasSize(asked.questionEnd() + 11);
    }
}

package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.daemon.dns.DnsMessages.Rr;
import dev.sluice.routing.IpPrefix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DnsMessageParsingTest {
    @Test
    void shouldReadTheQuestionOfAQuery() throws Exception {
        DnsQuery query = DnsQuery.parse(DnsMessages.query(0x1234, "WWW.Corp.Example.", 28));
        assertThat(query.id()).isEqualTo(0x1234);
        assertThat(query.name()).isEqualTo("www.corp.example");
        assertThat(query.type()).isEqualTo(28);
        assertThat(query.opcode()).isZero();
        assertThat(query.questionEnd()).isEqualTo(12 + 18 + 4);
    }

    @Test
    void shouldRefuseQueriesThatAreShortResponsesOrHoldNoSingleQuestion() throws Exception {
        assertThatThrownBy(() -> DnsQuery.parse(new byte[5]))
                .hasMessageContaining("5 bytes is shorter than a DNS header");
        byte[] response = DnsMessages.response(1, "a.example.", 1, 0);
        assertThatThrownBy(() -> DnsQuery.parse(response))
                .hasMessageContaining("a response where a query was expected");
        byte[] twoQuestions = DnsMessages.query(1, "a.example.", 1);
        twoQuestions[5] = 2;
        assertThatThrownBy(() -> DnsQuery.parse(twoQuestions))
                .hasMessageContaining("query with 2 questions, not 1");
        byte[] cut = Arrays.copyOf(DnsMessages.query(1, "a.example.", 1), 15);
        assertThatThrownBy(() -> DnsQuery.parse(cut)).hasMessageContaining("unreadable question");
    }

    @Test
    void shouldReadAddressesAndAliasesOfTheAnswerSection() throws Exception {
        byte[] message =
                DnsMessages.response(
                        7,
                        "www.corp.example.",
                        1,
                        0,
                        Rr.cname("www.corp.example.", "app.corp.example", 300),
                        Rr.a("app.corp.example.", "10.60.32.77", 30),
                        Rr.aaaa("app.corp.example.", "fd11::77", 40));
        DnsResponse response = DnsResponse.parse(message);
        assertThat(response.id()).isEqualTo(7);
        assertThat(response.name()).isEqualTo("www.corp.example");
        assertThat(response.answers())
                .containsExactly(
                        new DnsResponse.Answer("www.corp.example", 300, null, "app.corp.example"),
                        new DnsResponse.Answer(
                                "app.corp.example", 30, IpPrefix.parse("10.60.32.77/32"), null),
                        new DnsResponse.Answer(
                                "app.corp.example", 40, IpPrefix.parse("fd11::77/128"), null));
    }

    @Test
    void shouldFollowCompressionPointersInNamesAndAliases() throws Exception {
        // Question "a.example", answer owner = pointer to offset 12, CNAME data "b" + pointer
        // to "example" at offset 14, then an A record owned by that compressed alias.
        byte[] message = {
            0,
            9,
            (byte) 0x81,
            (byte) 0x80,
            0,
            1,
            0,
            2,
            0,
            0,
            0,
            0,
            1,
            'a',
            7,
            'e',
            'x',
            'a',
            'm',
            'p',
            'l',
            'e',
            0,
            0,
            1,
            0,
            1,
            (byte) 0xc0,
            12,
            0,
            5,
            0,
            1,
            0,
            0,
            0,
            60,
            0,
            4,
            1,
            'b',
            (byte) 0xc0,
            14,
            1,
            'b',
            (byte) 0xc0,
            14,
            0,
            1,
            0,
            1,
            0,
            0,
            0,
            60,
            0,
            4,
            (byte) 198,
            19,
            5,
            5
        };
        DnsResponse response = DnsResponse.parse(message);
        assertThat(response.answers())
                .containsExactly(
                        new DnsResponse.Answer("a.example", 60, null, "b.example"),
                        new DnsResponse.Answer(
                                "b.example", 60, IpPrefix.parse("198.19.5.5/32"), null));
    }

    @Test
    void shouldRefuseResponsesWithLoopingOrTruncatedRecords() throws Exception {
        byte[] loop = {
            0, 9, (byte) 0x81, (byte) 0x80, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1
        };
        assertThatThrownBy(() -> DnsResponse.parse(loop)).isInstanceOf(DnsFormatException.class);
        byte[] full =
                DnsMessages.response(1, "a.example.", 1, 0, Rr.a("a.example.", "10.0.0.1", 5));
        byte[] cut = Arrays.copyOf(full, full.length - 3);
        assertThatThrownBy(() -> DnsResponse.parse(cut)).isInstanceOf(DnsFormatException.class);
    }

    @Test
    void errorRepliesShouldKeepTheQuestionAndSetTheCode() throws Exception {
        byte[] query = DnsMessages.query(0xbeef, "x.corp.example.", 1);
        byte[] reply = DnsReplies.error(query, DnsQuery.parse(query), DnsQuery.RCODE_SERVFAIL);
        DnsResponse parsed = DnsResponse.parse(reply);
        assertThat(parsed.id()).isEqualTo(0xbeef);
        assertThat(parsed.name()).isEqualTo("x.corp.example");
        assertThat(parsed.flags() & 0x8000).as("QR").isNotZero();
        assertThat(parsed.flags() & 0x0100).as("RD kept").isNotZero();
        assertThat(DnsMessages.rcode(reply)).isEqualTo(DnsQuery.RCODE_SERVFAIL);

        byte[] garbage = Arrays.copyOf(query, 14);
        byte[] formerr = DnsReplies.formatError(garbage);
        assertThat(formerr).hasSize(12);
        assertThat(DnsMessages.id(formerr)).isEqualTo(0xbeef);
        assertThat(DnsMessages.rcode(formerr)).isEqualTo(DnsQuery.RCODE_FORMERR);
        assertThat(DnsReplies.formatError(new byte[3])).isNull();
        assertThat(DnsReplies.formatError(DnsMessages.response(1, "a.", 1, 0)))
                .as("never answer a response")
                .isNull();
    }
}

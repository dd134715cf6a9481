package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.sluice.config.DomainPattern;
import dev.sluice.daemon.dns.DnsMessages.Rr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Malformed DNS never crashes the forwarder: random bytes and valid messages with random bytes
 * changed, as queries from clients and as replies from upstream.
 */
class DnsFuzzTest {
    private static final byte[] QUERY;
    private static final byte[] RESPONSE;

    static {
        try {
            QUERY = DnsMessages.query(77, "www.corp.example.", 1);
            RESPONSE =
                    DnsMessages.response(
                            77,
                            "www.corp.example.",
                            1,
                            0,
                            Rr.cname("www.corp.example.", "app.corp.example", 60),
                            Rr.a("app.corp.example.", "10.60.32.77", 60));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Provide
    Arbitrary<byte[]> messages() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> mutatedQuery = mutations(QUERY);
        Arbitrary<byte[]> mutatedResponse = mutations(RESPONSE);
        return Arbitraries.oneOf(random, mutatedQuery, mutatedResponse);
    }

    private static Arbitrary<byte[]> mutations(byte[] valid) {
        Arbitrary<List<Integer>> positions =
                Arbitraries.integers()
                        .between(0, valid.length - 1)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(6);
        Arbitrary<List<Byte>> values = Arbitraries.bytes().list().ofSize(6);
        Arbitrary<Integer> lengths = Arbitraries.integers().between(valid.length / 2, valid.length);
        return net.jqwik.api.Combinators.combine(positions, values, lengths)
                .as((at, to, length) -> mutate(valid, at, to, length));
    }

    /** {@code valid} with the bytes at {@code positions} replaced, cut to {@code length}. */
    private static byte[] mutate(
            byte[] valid, List<Integer> positions, List<Byte> values, int length) {
        byte[] copy = valid.clone();
        for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i)] = values.get(i);
        }
        return java.util.Arrays.copyOf(copy, length);
    }

    @Property(tries = 3000)
    void anyQueryShouldGetAReplyOrNothingAndNeverAnException(@ForAll("messages") byte[] message)
            throws Exception {
        DnsForwarder forwarder =
                forwarder(
                        (query, server, bypass, tcp, accepts) -> {
                            byte[] reply = DnsReplies.withId(RESPONSE, DnsMessages.id(query));
                            return accepts.test(reply)
                                    ? CompletableFuture.completedFuture(reply)
                                    : CompletableFuture.failedFuture(new Exception("timeout"));
                        });
        byte[] reply = forwarder.handle(message, false).get(5, TimeUnit.SECONDS);
        if (reply != null) {
            assertThat(reply.length).isGreaterThanOrEqualTo(DnsQuery.HEADER_LENGTH);
            assertThat(reply[2] & 0x80).as("QR set").isNotZero();
        }
    }

    @Property(tries = 3000)
    void anyUpstreamReplyShouldBeAcceptedOrIgnoredWithoutAnException(
            @ForAll("messages") byte[] upstreamReply) throws Exception {
        DnsForwarder forwarder =
                forwarder(
                        (query, server, bypass, tcp, accepts) -> {
                            byte[] reply =
                                    upstreamReply.length >= 2
                                            ? DnsReplies.withId(
                                                    upstreamReply, DnsMessages.id(query))
                                            : upstreamReply;
                            return accepts.test(reply)
                                    ? CompletableFuture.completedFuture(reply)
                                    : CompletableFuture.failedFuture(new Exception("timeout"));
                        });
        byte[] reply = forwarder.handle(QUERY, false).get(5, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(DnsMessages.id(reply)).isEqualTo(77);
        try {
            DnsResponse.parse(upstreamReply);
        } catch (DnsFormatException expected) {
            // The one exception the parser may throw; anything else fails the property.
        }
    }

    private static DnsForwarder forwarder(DnsUpstream upstream) {
        return new DnsForwarder(
                new DomainRules(
                        List.of(DomainPattern.parse("corp.example")),
                        List.of(),
                        List.of(),
                        false,
                        true),
                List.of(new InetSocketAddress("10.60.32.10", 53)),
                List::of,
                upstream,
                new LearnedRoutes(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        LearnedRoutes.MAX_ROUTES_PER_VERDICT,
                        System::nanoTime,
                        Scheduler.disabledScheduler(),
                        Runnable::run,
                        new DnsCounters(),
                        () -> {}),
                new DnsCounters(),
                () -> 4242,
                64);
    }
}

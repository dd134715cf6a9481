package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.sluice.config.DomainPattern;
import dev.sluice.daemon.dns.DnsMessages.Rr;
import dev.sluice.routing.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class DnsForwarderTest {
    static final InetSocketAddress CORP = new InetSocketAddress("10.60.32.10", 53);
    static final InetSocketAddress CORP2 = new InetSocketAddress("10.60.32.11", 53);
    static final InetSocketAddress ISP = new InetSocketAddress("198.19.0.10", 53);

    /** One call to the upstream. */
    record Sent(byte[] query, InetSocketAddress server, boolean bypass, boolean tcp) {}

    /** Answers from a script: per server, a function of the query (null: time out). */
    static final class ScriptedUpstream implements DnsUpstream {
        final List<Sent> sent = new ArrayList<>();
        java.util.function.BiFunction<InetSocketAddress, byte[], List<byte[]>> script;

        @Override
        public CompletableFuture<byte[]> exchange(
                byte[] query,
                InetSocketAddress server,
                boolean bypass,
                boolean tcp,
                Predicate<byte[]> accepts) {
            sent.add(new Sent(query, server, bypass, tcp));
            List<byte[]> replies = script.apply(server, query);
            for (byte[] reply : replies) {
                if (accepts.test(reply)) {
                    return CompletableFuture.completedFuture(reply);
                }
            }
            return CompletableFuture.failedFuture(new TimeoutException("no answer"));
        }
    }

    final ScriptedUpstream upstream = new ScriptedUpstream();
    final AtomicInteger published = new AtomicInteger();
    final LearnedRoutes learned =
            new LearnedRoutes(
                    Duration.ofSeconds(1),
                    Duration.ofHours(1),
                    LearnedRoutes.MAX_ROUTES_PER_VERDICT,
                    System::nanoTime,
                    Scheduler.disabledScheduler(),
                    Runnable::run,
                    new DnsCounters(),
                    published::incrementAndGet);
    final DnsCounters counters = new DnsCounters();
    final AtomicInteger ids = new AtomicInteger(0x4000);
    final DnsForwarder forwarder =
            new DnsForwarder(
                    new DomainRules(
                            List.of(DomainPattern.parse("corp.example")),
                            List.of(DomainPattern.parse("zoom.us")),
                            List.of(),
                            false,
                            true),
                    List.of(CORP, CORP2),
                    () -> List.of(ISP),
                    upstream,
                    learned,
                    counters,
                    ids::incrementAndGet,
                    64);

    /** A forwarder for corp.example with one tunnel resolver and no original ones. */
    private DnsForwarder corpOnly(DnsUpstream through, LearnedRoutes into, int maxInFlight) {
        return new DnsForwarder(
                new DomainRules(
                        List.of(DomainPattern.parse("corp.example")),
                        List.of(),
                        List.of(),
                        false,
                        true),
                List.of(CORP),
                List::of,
                through,
                into,
                counters,
                ids::incrementAndGet,
                maxInFlight);
    }

    static byte[] answerTo(byte[] query, Rr... records) throws Exception {
        DnsQuery parsed = DnsQuery.parse(query);
        return DnsMessages.response(parsed.id(), parsed.name() + ".", parsed.type(), 0, records);
    }

    @Test
    void aCorporateNameShouldBeAskedThroughTheTunnelWithAFreshIdAndAnsweredWithTheClients()
            throws Exception {
        upstream.script =
                (server, query) -> {
                    try {
                        return List.of(
                                answerTo(query, Rr.a("app.corp.example.", "10.60.32.77", 60)));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
        byte[] reply =
                forwarder.handle(DnsMessages.query(0x1111, "App.Corp.Example.", 1), false).get();
        assertThat(upstream.sent).hasSize(1);
        Sent sent = upstream.sent.getFirst();
        assertThat(sent.server()).isEqualTo(CORP);
        assertThat(sent.bypass()).isFalse();
        assertThat(DnsMessages.id(sent.query())).isEqualTo(0x4001).isNotEqualTo(0x1111);
        assertThat(DnsMessages.id(reply)).isEqualTo(0x1111);
        assertThat(DnsResponse.parse(reply).answers()).hasSize(1);
        assertThat(learned.routes())
                .extracting(route -> route.prefix().toString() + " " + route.verdict())
                .containsExactly("10.60.32.77/32 TUNNEL");
        assertThat(published).as("published before the reply").hasValue(1);
        assertThat(counters.get(DnsCounters.Event.QUERIES_TUNNEL)).isEqualTo(1);
    }

    @Test
    void otherNamesShouldGoToTheOriginalResolversThroughTheBypassOverTheClientsTransport()
            throws Exception {
        upstream.script =
                (server, query) -> {
                    try {
                        return List.of(
                                answerTo(
                                        query,
                                        Rr.cname("www.example.org.", "edge.zoom.us", 60),
                                        Rr.a("edge.zoom.us.", "198.19.5.5", 60),
                                        Rr.a("unrelated.example.", "198.19.9.9", 60)));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
        forwarder.handle(DnsMessages.query(7, "www.example.org.", 1), true).get();
        Sent sent = upstream.sent.getFirst();
        assertThat(sent.server()).isEqualTo(ISP);
        assertThat(sent.bypass()).isTrue();
        assertThat(sent.tcp()).isTrue();
        assertThat(learned.entries())
                .as("the CNAME chain reaches a BypassDomains name; records off the chain ignored")
                .extracting(entry -> entry.address() + " " + entry.verdict() + " " + entry.domain())
                .containsExactly("198.19.5.5/32 BYPASS zoom.us");
    }

    @Test
    void spoofedRepliesShouldBeIgnoredAndASilentServerSkipped() throws Exception {
        upstream.script =
                (server, query) -> {
                    try {
                        if (server.equals(CORP)) {
                            return List.of(); // times out
                        }
                        byte[] good = answerTo(query, Rr.a("x.corp.example.", "10.1.1.1", 60));
                        byte[] wrongId = DnsReplies.withId(good, DnsMessages.id(good) ^ 1);
                        byte[] otherName =
                                DnsMessages.response(
                                        DnsMessages.id(good),
                                        "evil.example.",
                                        1,
                                        0,
                                        Rr.a("evil.example.", "10.6.6.6", 60));
                        return List.of(wrongId, otherName, new byte[] {1, 2, 3}, good);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
        byte[] reply = forwarder.handle(DnsMessages.query(9, "x.corp.example.", 1), false).get();
        assertThat(upstream.sent).extracting(Sent::server).containsExactly(CORP, CORP2);
        assertThat(DnsMessages.id(upstream.sent.get(0).query()))
                .as("a new ID per attempt")
                .isNotEqualTo(DnsMessages.id(upstream.sent.get(1).query()));
        assertThat(DnsMessages.rcode(reply)).isZero();
        assertThat(learned.routes())
                .extracting(route -> route.prefix())
                .containsExactly(IpPrefix.parse("10.1.1.1/32"));
        assertThat(counters.get(DnsCounters.Event.IGNORED_REPLIES)).isEqualTo(3);
        assertThat(counters.get(DnsCounters.Event.UPSTREAM_FAILURES)).isEqualTo(1);
    }

    @Test
    void noAnswerFromAnyServerShouldGiveServfail() throws Exception {
        upstream.script = (server, query) -> List.of();
        byte[] query = DnsMessages.query(0x2222, "x.corp.example.", 1);
        byte[] reply = forwarder.handle(query, false).get();
        assertThat(DnsMessages.id(reply)).isEqualTo(0x2222);
        assertThat(DnsMessages.rcode(reply)).isEqualTo(DnsQuery.RCODE_SERVFAIL);
        assertThat(counters.get(DnsCounters.Event.SERVFAIL_SENT)).isEqualTo(1);
    }

    @Test
    void queriesBeyondTheInFlightBoundShouldGetServfailUntilOthersFinish() throws Exception {
        List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        DnsUpstream hanging =
                (query, server, bypass, tcp, accepts) -> {
                    CompletableFuture<byte[]> future = new CompletableFuture<>();
                    pending.add(future);
                    return future;
                };
        DnsForwarder bounded = corpOnly(hanging, learned, 2);
        byte[] query = DnsMessages.query(1, "a.corp.example.", 1);
        CompletableFuture<byte[]> first = bounded.handle(query, false);
        bounded.handle(query, false);
        byte[] refused = bounded.handle(query, false).get();
        assertThat(DnsMessages.rcode(refused)).isEqualTo(DnsQuery.RCODE_SERVFAIL);
        assertThat(counters.get(DnsCounters.Event.OVERLOADED)).isEqualTo(1);
        pending.getFirst().completeExceptionally(new TimeoutException("gone"));
        assertThat(DnsMessages.rcode(first.get())).isEqualTo(DnsQuery.RCODE_SERVFAIL);
        bounded.handle(query, false);
        assertThat(pending).as("a slot was free again").hasSize(3);
    }

    @Test
    void anUnreadableQueryShouldGetFormerrAndAnotherOpcodeNotimp() throws Exception {
        upstream.script = (server, query) -> List.of();
        byte[] garbage = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'x'};
        assertThat(DnsMessages.rcode(forwarder.handle(garbage, false).get()))
                .isEqualTo(DnsQuery.RCODE_FORMERR);
        assertThat(forwarder.handle(new byte[4], false).get()).isNull();
        byte[] notify = DnsMessages.query(5, "corp.example.", 6);
        notify[2] |= 4 << 3; // opcode 4, NOTIFY
        assertThat(DnsMessages.rcode(forwarder.handle(notify, false).get()))
                .isEqualTo(DnsQuery.RCODE_NOTIMP);
        assertThat(upstream.sent).isEmpty();
        assertThat(counters.get(DnsCounters.Event.MALFORMED_QUERIES)).isEqualTo(2);
    }

    @Test
    void anAnswerWhoseRoutesCannotBePublishedShouldBecomeServfail() throws Exception {
        LearnedRoutes failing =
                new LearnedRoutes(
                        Duration.ofSeconds(1),
                        Duration.ofHours(1),
                        LearnedRoutes.MAX_ROUTES_PER_VERDICT,
                        System::nanoTime,
                        Scheduler.disabledScheduler(),
                        Runnable::run,
                        new DnsCounters(),
                        () -> {
                            throw new IllegalStateException("kernel said no");
                        });
        DnsForwarder closed = corpOnly(upstream, failing, 64);
        upstream.script =
                (server, query) -> {
                    try {
                        return List.of(answerTo(query, Rr.a("a.corp.example.", "10.2.2.2", 60)));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
        byte[] reply = closed.handle(DnsMessages.query(3, "a.corp.example.", 1), false).get();
        assertThat(DnsMessages.rcode(reply))
                .as("fail closed: the address is not handed out")
                .isEqualTo(DnsQuery.RCODE_SERVFAIL);
    }
}

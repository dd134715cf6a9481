package dev.sluice.daemon.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.daemon.dns.DnsCounters.Event;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.LearnedRoute;
import dev.sluice.routing.policy.Verdict;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Host routes learned from DNS answers, each living for its record's TTL clamped to {@code
 * [DomainTtlMin, DomainTtlMax]}: Caffeine caches with per-entry expiry. A later answer for the same
 * address restarts its life (and may change its verdict).
 *
 * <p>What is stored is what the answers said; whether a route applies is the {@link Admission}'s
 * decision (the connection's static policy, see {@link
 * dev.sluice.routing.policy.LearnedAdmission}), asked again whenever the table is rebuilt. A
 * refused answer is counted ({@code refused_learn}) and logged once per name.
 *
 * <p>Bounded: at most {@link #MAX_ROUTES_PER_VERDICT} tunnel routes and as many bypass routes, in
 * separate caches, so a flood of bypass answers can never evict a tunnel route (which would send
 * its address out of the tunnel). Evictions are counted ({@code learned_evicted}).
 *
 * <p>{@code onChange} runs whenever the set of routes or a verdict changes: synchronously inside
 * {@link #learn} (so the forwarding table knows an address before the answer that names it leaves),
 * and on the cache's executor when entries expire or are evicted. It must read {@link #routes()}
 * itself; calls may repeat.
 *
 * <p>Thread-safe. Time comes from the {@link Ticker} (tests inject one and call {@link
 * #expireNow()}).
 */
public final class LearnedRoutes {
    private static final Logger LOG = System.getLogger(LearnedRoutes.class.getName());

    /** Most routes kept for each verdict. */
    public static final int MAX_ROUTES_PER_VERDICT = 4096;

    /** Names whose refusal was logged recently (each is logged once). */
    private static final int LOGGED_NAMES = 1024;

    /** Decides whether a learned route applies. */
    @FunctionalInterface
    public interface Admission {
        /** Null when {@code route} applies, else why the static verdict stays. */
        String refusal(LearnedRoute route);
    }

    /**
     * One learned route as {@code status} shows it.
     *
     * @param address the host prefix
     * @param verdict what the answer asked for: tunnel or bypass
     * @param domain the pattern that decided (e.g. {@code corp.example})
     * @param name the name that was asked
     * @param expiresInSeconds seconds left (rounded up)
     * @param refusal null when the route applies, else why the static verdict stays
     */
    public record Entry(
            IpPrefix address,
            Verdict verdict,
            String domain,
            String name,
            long expiresInSeconds,
            String refusal) {}

    private record Value(Verdict verdict, String domain, String name, Duration life) {}

    private final Cache<IpPrefix, Value> tunnel;
    private final Cache<IpPrefix, Value> bypass;
    private final Cache<String, Boolean> loggedRefusals;
    private final Duration floor;
    private final Duration ceiling;
    private final DnsCounters counters;
    private final Runnable onChange;
    private volatile Admission admission = route -> null;

    /**
     * @param floor the shortest life of a route, whatever the TTL
     * @param ceiling the longest
     * @param maxPerVerdict most routes of each verdict
     * @param ticker the clock
     * @param scheduler what removes expired entries on time ({@link Scheduler#systemScheduler()})
     * @param executor where expiry and eviction notifications run
     * @param counters where refusals and evictions are counted
     * @param onChange called when the routes change
     */
    public LearnedRoutes(
            Duration floor,
            Duration ceiling,
            int maxPerVerdict,
            Ticker ticker,
            Scheduler scheduler,
            Executor executor,
            DnsCounters counters,
            Runnable onChange) {
        this.floor = floor;
        this.ceiling = ceiling;
        this.counters = counters;
        this.onChange = onChange;
        this.tunnel = cache(maxPerVerdict, ticker, scheduler, executor);
        this.bypass = cache(maxPerVerdict, ticker, scheduler, executor);
        this.loggedRefusals =
                Caffeine.newBuilder()
                        .maximumSize(LOGGED_NAMES)
                        .expireAfterWrite(Duration.ofHours(1))
                        .ticker(ticker)
                        .executor(Runnable::run)
                        .build();
    }

    private Cache<IpPrefix, Value> cache(
            int maximumSize, Ticker ticker, Scheduler scheduler, Executor executor) {
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .scheduler(scheduler)
                .executor(executor)
                .expireAfter(Expiry.writing((IpPrefix key, Value value) -> value.life()))
                .<IpPrefix, Value>removalListener(
                        (key, value, cause) -> {
                            if (cause == RemovalCause.SIZE) {
                                counters.increment(Event.LEARNED_EVICTED);
                            }
                            if (cause == RemovalCause.EXPIRED || cause == RemovalCause.SIZE) {
                                onChange.run();
                            }
                        })
                .build();
    }

    /** With the system clock and scheduler, and {@link #MAX_ROUTES_PER_VERDICT}. */
    public static LearnedRoutes system(
            Duration floor, Duration ceiling, DnsCounters counters, Runnable onChange) {
        return new LearnedRoutes(
                floor,
                ceiling,
                MAX_ROUTES_PER_VERDICT,
                Ticker.systemTicker(),
                Scheduler.systemScheduler(),
                Runnable::run,
                counters,
                onChange);
    }

    /** What decides whether a route applies from now on (the connection's static policy). */
    public void admission(Admission next) {
        this.admission = next;
    }

    /**
     * Learns the addresses of an answer.
     *
     * @param addresses each with its TTL
     * @param verdict tunnel or bypass
     * @param domain the pattern that decided
     * @param name the question name
     */
    public void learn(
            List<DnsResponse.Answer> addresses, Verdict verdict, String domain, String name) {
        Cache<IpPrefix, Value> target = verdict == Verdict.TUNNEL ? tunnel : bypass;
        Cache<IpPrefix, Value> other = verdict == Verdict.TUNNEL ? bypass : tunnel;
        Admission decides = admission;
        boolean changed = false;
        for (DnsResponse.Answer answer : addresses) {
            IpPrefix address = answer.address();
            String refusal = decides.refusal(new LearnedRoute(address, verdict));
            if (refusal != null) {
                counters.increment(Event.REFUSED_LEARN);
                if (loggedRefusals.asMap().putIfAbsent(name, Boolean.TRUE) == null) {
                    LOG.log(
                            Level.WARNING,
                            "DNS answer for "
                                    + name
                                    + " (under "
                                    + domain
                                    + ") not applied to "
                                    + address.addressText()
                                    + ": "
                                    + refusal);
                }
            }
            if (other.asMap().remove(address) != null) {
                changed = true;
            }
            Value previous =
                    target.asMap()
                            .put(
                                    address,
                                    new Value(verdict, domain, name, clamp(answer.ttlSeconds())));
            changed |= previous == null && refusal == null;
        }
        if (changed) {
            onChange.run();
        }
    }

    /** The life of a record with {@code ttlSeconds}. */
    Duration clamp(long ttlSeconds) {
        Duration ttl = Duration.ofSeconds(ttlSeconds);
        if (ttl.compareTo(floor) < 0) {
            return floor;
        }
        return ttl.compareTo(ceiling) > 0 ? ceiling : ttl;
    }

    /** Every stored route, applied or not: the overlay builder asks the admission again. */
    public List<LearnedRoute> routes() {
        List<LearnedRoute> routes = new ArrayList<>(size());
        for (Cache<IpPrefix, Value> cache : List.of(tunnel, bypass)) {
            for (Map.Entry<IpPrefix, Value> entry : cache.asMap().entrySet()) {
                routes.add(new LearnedRoute(entry.getKey(), entry.getValue().verdict()));
            }
        }
        return routes;
    }

    /** Number of stored routes. */
    public int size() {
        return (int) (tunnel.estimatedSize() + bypass.estimatedSize());
    }

    /** The stored routes with what they were learned from and their time left, by address. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        Admission decides = admission;
        for (Cache<IpPrefix, Value> cache : List.of(tunnel, bypass)) {
            var expiry = cache.policy().expireVariably().orElseThrow();
            for (Map.Entry<IpPrefix, Value> entry : cache.asMap().entrySet()) {
                entries.add(entry(entry.getKey(), entry.getValue(), expiry, decides));
            }
        }
        entries.sort(Comparator.comparing(Entry::address));
        return entries;
    }

    /** The entry for {@code address}, or null. */
    public Entry entry(IpPrefix address) {
        for (Cache<IpPrefix, Value> cache : List.of(tunnel, bypass)) {
            Value value = cache.getIfPresent(address);
            if (value != null) {
                return entry(
                        address, value, cache.policy().expireVariably().orElseThrow(), admission);
            }
        }
        return null;
    }

    private static Entry entry(
            IpPrefix address,
            Value value,
            com.github.benmanes.caffeine.cache.Policy.VarExpiration<IpPrefix, Value> expiry,
            Admission decides) {
        long leftNs = expiry.getExpiresAfter(address, TimeUnit.NANOSECONDS).orElse(0);
        return new Entry(
                address,
                value.verdict(),
                value.domain(),
                value.name(),
                (leftNs + 999_999_999L) / 1_000_000_000L,
                decides.refusal(new LearnedRoute(address, value.verdict())));
    }

    /** Forgets every route (at disconnect; no change is announced). */
    public void clear() {
        tunnel.invalidateAll();
        bypass.invalidateAll();
    }

    /** Removes what has expired by the ticker's time now (the scheduler does it otherwise). */
    public void expireNow() {
        tunnel.cleanUp();
        bypass.cleanUp();
    }
}

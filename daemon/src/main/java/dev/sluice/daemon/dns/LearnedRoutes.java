package dev.sluice.daemon.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.SplitPolicy.LearnedRoute;
import dev.sluice.routing.policy.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Host routes learned from DNS answers, each living for its record's TTL clamped to {@code
 * [DomainTtlMin, DomainTtlMax]}: a Caffeine cache with per-entry expiry. A later answer for the
 * same address restarts its life (and may change its verdict).
 *
 * <p>{@code onChange} runs whenever the set of routes or a verdict changes: synchronously inside
 * {@link #learn} (so the forwarding table knows an address before the answer that names it leaves),
 * and on the cache's executor when entries expire (the scheduler removes them on time). It must
 * read {@link #routes()} itself; calls may repeat.
 *
 * <p>Thread-safe. Time comes from the {@link Ticker} (tests inject one and call {@link
 * #expireNow()}).
 */
public final class LearnedRoutes {
    /**
     * One learned route as {@code status} shows it.
     *
     * @param address the host prefix
     * @param verdict tunnel or bypass
     * @param domain the pattern that decided (e.g. {@code corp.example})
     * @param name the name that was asked
     * @param expiresInSeconds seconds left (rounded up)
     */
    public record Entry(
            IpPrefix address, Verdict verdict, String domain, String name, long expiresInSeconds) {}

    private record Value(Verdict verdict, String domain, String name, Duration life) {}

    private final Cache<IpPrefix, Value> cache;
    private final Duration floor;
    private final Duration ceiling;
    private final Runnable onChange;

    /**
     * @param floor the shortest life of a route, whatever the TTL
     * @param ceiling the longest
     * @param ticker the clock
     * @param scheduler what removes expired entries on time ({@link Scheduler#systemScheduler()})
     * @param executor where expiry notifications run
     * @param onChange called when the routes change
     */
    public LearnedRoutes(
            Duration floor,
            Duration ceiling,
            Ticker ticker,
            Scheduler scheduler,
            Executor executor,
            Runnable onChange) {
        this.floor = floor;
        this.ceiling = ceiling;
        this.onChange = onChange;
        this.cache =
                Caffeine.newBuilder()
                        .ticker(ticker)
                        .scheduler(scheduler)
                        .executor(executor)
                        .expireAfter(Expiry.writing((IpPrefix key, Value value) -> value.life()))
                        .<IpPrefix, Value>removalListener(
                                (key, value, cause) -> {
                                    if (cause == RemovalCause.EXPIRED) {
                                        onChange.run();
                                    }
                                })
                        .build();
    }

    /** With the system clock and scheduler. */
    public static LearnedRoutes system(Duration floor, Duration ceiling, Runnable onChange) {
        return new LearnedRoutes(
                floor,
                ceiling,
                Ticker.systemTicker(),
                Scheduler.systemScheduler(),
                Runnable::run,
                onChange);
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
        boolean changed = false;
        for (DnsResponse.Answer answer : addresses) {
            Value previous = cache.getIfPresent(answer.address());
            cache.put(
                    answer.address(), new Value(verdict, domain, name, clamp(answer.ttlSeconds())));
            changed |= previous == null || previous.verdict() != verdict;
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

    /** The live routes, for the policy compiler. */
    public List<LearnedRoute> routes() {
        List<LearnedRoute> routes = new ArrayList<>();
        for (Map.Entry<IpPrefix, Value> entry : cache.asMap().entrySet()) {
            routes.add(new LearnedRoute(entry.getKey(), entry.getValue().verdict()));
        }
        return routes;
    }

    /** The live routes with what they were learned from and their time left, by address. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        var expiry = cache.policy().expireVariably().orElseThrow();
        for (Map.Entry<IpPrefix, Value> entry : cache.asMap().entrySet()) {
            long leftNs = expiry.getExpiresAfter(entry.getKey(), TimeUnit.NANOSECONDS).orElse(0);
            Value value = entry.getValue();
            entries.add(
                    new Entry(
                            entry.getKey(),
                            value.verdict(),
                            value.domain(),
                            value.name(),
                            (leftNs + 999_999_999L) / 1_000_000_000L));
        }
        entries.sort(Comparator.comparing(Entry::address));
        return entries;
    }

    /** The entry for {@code address}, or null. */
    public Entry entry(IpPrefix address) {
        for (Entry entry : entries()) {
            if (entry.address().equals(address)) {
                return entry;
            }
        }
        return null;
    }

    /** Forgets every route (at disconnect; no change is announced). */
    public void clear() {
        cache.invalidateAll();
    }

    /** Removes what has expired by the ticker's time now (the scheduler does it otherwise). */
    public void expireNow() {
        cache.cleanUp();
    }
}

package dev.sluice.routing.aggregate;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The address ranges where a longest-prefix-match table gives a chosen value, as disjoint, sorted,
 * merged ranges: what a firewall set without longest-match semantics (an nftables interval set)
 * needs to hold exactly the addresses the routing table sends one way. A prefix's range minus the
 * ranges of the longer prefixes inside it takes that prefix's value; addresses no prefix covers are
 * in no range.
 *
 * <p>Cost: O(n log n) for n prefixes. Control path only.
 */
public final class ValueRanges {
    /** One range of addresses, both ends included. */
    public record Range(IpFamily family, BigInteger first, BigInteger last) {
        /** {@code first-last} in address notation (as nftables reads an interval). */
        public String text() {
            return address(family, first) + "-" + address(family, last);
        }
    }

    private ValueRanges() {}

    /** The ranges of {@code family} whose longest match in {@code table} has {@code value}. */
    public static <V> List<Range> of(Map<IpPrefix, V> table, IpFamily family, V value) {
        TreeMap<IpPrefix, V> sorted = new TreeMap<>();
        table.forEach(
                (prefix, v) -> {
                    if (prefix.family() == family) {
                        sorted.put(prefix, v);
                    }
                });
        List<Range> ranges = new ArrayList<>();
        Deque<Open> stack = new ArrayDeque<>();
        for (var entry : sorted.entrySet()) {
            IpPrefix prefix = entry.getKey();
            BigInteger first = first(prefix);
            while (!stack.isEmpty() && !stack.peek().prefix().contains(prefix)) {
                close(stack.pop(), ranges);
            }
            if (!stack.isEmpty()) {
                Open parent = stack.peek();
                if (parent.wanted() && parent.next()[0].compareTo(first) < 0) {
                    add(ranges, family, parent.next()[0], first.subtract(BigInteger.ONE));
                }
                parent.next()[0] = last(prefix).add(BigInteger.ONE);
            }
            stack.push(
                    new Open(
                            prefix,
                            value.equals(entry.getValue()),
                            last(prefix),
                            new BigInteger[] {first}));
        }
        while (!stack.isEmpty()) {
            close(stack.pop(), ranges);
        }
        ranges.sort((a, b) -> a.first().compareTo(b.first()));
        return merge(ranges);
    }

    /**
     * An enclosing prefix on the sweep's stack (innermost on top), with the next address of its
     * range not yet given out: the parts between nested prefixes take the enclosing one's value.
     */
    private record Open(IpPrefix prefix, boolean wanted, BigInteger last, BigInteger[] next) {}

    /** The enclosing prefix is done: what is left of its range after its nested prefixes. */
    private static void close(Open open, List<Range> ranges) {
        if (open.wanted() && open.next()[0].compareTo(open.last()) <= 0) {
            add(ranges, open.prefix().family(), open.next()[0], open.last());
        }
    }

    private static void add(
            List<Range> ranges, IpFamily family, BigInteger first, BigInteger last) {
        ranges.add(new Range(family, first, last));
    }

    private static List<Range> merge(List<Range> sorted) {
        List<Range> merged = new ArrayList<>();
        for (Range range : sorted) {
            Range previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (previous != null
                    && previous.last().add(BigInteger.ONE).compareTo(range.first()) >= 0) {
                merged.set(
                        merged.size() - 1,
                        new Range(
                                range.family(),
                                previous.first(),
                                previous.last().max(range.last())));
            } else {
                merged.add(range);
            }
        }
        return merged;
    }

    private static BigInteger first(IpPrefix prefix) {
        return unsigned(
                prefix.isIpv4() ? prefix.high() >>> 32 : prefix.high(),
                prefix.isIpv4() ? 0 : prefix.low(),
                prefix.isIpv4());
    }

    private static BigInteger last(IpPrefix prefix) {
        int width = prefix.isIpv4() ? 32 : 128;
        BigInteger size = BigInteger.ONE.shiftLeft(width - prefix.length());
        return first(prefix).add(size).subtract(BigInteger.ONE);
    }

    private static BigInteger unsigned(long high, long low, boolean ipv4) {
        if (ipv4) {
            return BigInteger.valueOf(high & 0xffffffffL);
        }
        return new BigInteger(Long.toUnsignedString(high))
                .shiftLeft(64)
                .or(new BigInteger(Long.toUnsignedString(low)));
    }

    static String address(IpFamily family, BigInteger value) {
        if (family == IpFamily.IPV4) {
            long v = value.longValue();
            return ((v >>> 24) & 255)
                    + "."
                    + ((v >>> 16) & 255)
                    + "."
                    + ((v >>> 8) & 255)
                    + "."
                    + (v & 255);
        }
        long high = value.shiftRight(64).longValue();
        long low = value.longValue();
        return IpPrefix.ipv6(high, low, 128).addressText();
    }
}

package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import java.util.List;

/**
 * Special-purpose ranges (RFC 6890 registries) with a fixed verdict, so no list or mode can send
 * them into the tunnel by accident: addresses that must never appear as destinations are dropped,
 * link-scoped ones bypass (the host stack handles or discards them).
 */
public final class SpecialRanges {
    /** One range and its verdict. */
    public record Range(IpPrefix prefix, Verdict verdict, String why) {}

    public static final List<Range> ALL =
            List.of(
                    range("0.0.0.0/8", Verdict.DROP, "\"this network\" is not a destination"),
                    range("127.0.0.0/8", Verdict.DROP, "loopback never leaves the host"),
                    range("169.254.0.0/16", Verdict.BYPASS, "IPv4 link-local"),
                    range("224.0.0.0/4", Verdict.BYPASS, "IPv4 multicast"),
                    range("255.255.255.255/32", Verdict.BYPASS, "limited broadcast"),
                    range("::/128", Verdict.DROP, "unspecified address"),
                    range("::1/128", Verdict.DROP, "IPv6 loopback"),
                    range("fe80::/10", Verdict.BYPASS, "IPv6 link-local"),
                    range("ff00::/8", Verdict.BYPASS, "IPv6 multicast"),
                    range("ff01::/16", Verdict.DROP, "interface-local multicast"));

    private SpecialRanges() {}

    private static Range range(String prefix, Verdict verdict, String why) {
        return new Range(IpPrefix.parse(prefix), verdict, why);
    }

    /** The special range containing {@code prefix}, or null. */
    public static Range containing(IpPrefix prefix) {
        Range best = null;
        for (Range range : ALL) {
            if (range.prefix().contains(prefix)
                    && (best == null || range.prefix().length() > best.prefix().length())) {
                best = range;
            }
        }
        return best;
    }
}

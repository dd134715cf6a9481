package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;
import java.util.List;

/**
 * Address ranges that are never public: RFC 1918 private networks, shared address space (CGNAT, RFC
 * 6598) and unique local IPv6 addresses (RFC 4193). In exclude mode, where everything is tunnelled
 * by default, these are where corporate networks live, so an untrusted DNS answer may not carve
 * them out of the tunnel ({@link LearnedAdmission}).
 */
public final class PrivateRanges {
    public static final List<IpPrefix> ALL =
            List.of(
                    IpPrefix.parse("10.0.0.0/8"),
                    IpPrefix.parse("172.16.0.0/12"),
                    IpPrefix.parse("192.168.0.0/16"),
                    IpPrefix.parse("100.64.0.0/10"),
                    IpPrefix.parse("fc00::/7"));

    private PrivateRanges() {}

    /** Whether {@code prefix} lies inside one of the ranges. */
    public static boolean contains(IpPrefix prefix) {
        for (IpPrefix range : ALL) {
            if (range.contains(prefix)) {
                return true;
            }
        }
        return false;
    }
}

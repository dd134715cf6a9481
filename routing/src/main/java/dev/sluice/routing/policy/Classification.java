package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;

/**
 * Why an address gets its verdict (control path: {@code classify}, {@code status}).
 *
 * @param address the address asked about, as a host prefix
 * @param verdict tunnel, bypass or drop
 * @param matched the prefix that decided, or null when the mode's default did
 * @param source which rule decided
 * @param peerIndex the peer a tunnel verdict goes to, or -1
 * @param noPeer true when the address is dropped because it is tunnel-bound and no peer accepts it
 */
public record Classification(
        IpPrefix address,
        Verdict verdict,
        IpPrefix matched,
        DecisionSource source,
        int peerIndex,
        boolean noPeer) {}

package dev.sluice.routing.policy;

/**
 * A decision packed into the non-negative int a prefix table stores (21 bits, below {@link
 * dev.sluice.routing.trie.CompiledPrefixTable#MAX_VALUE}):
 *
 * <pre>
 *   bits 0-1   verdict      0 tunnel, 1 bypass, 2 drop
 *   bits 2-5   source       {@link DecisionSource} ordinal
 *   bit  6     no peer      a tunnel-bound address that no peer's AllowedIPs accepts (dropped)
 *   bits 7-20  peer + 1     index of the peer in the configuration (0 = none)
 * </pre>
 *
 * <p>Static, allocation-free accessors for the data path.
 */
public final class RouteValue {
    /** Most peers a configuration may have. */
    public static final int MAX_PEERS = (1 << 14) - 1;

    private static final int NO_PEER_FLAG = 1 << 6;

    private RouteValue() {}

    public static int of(Verdict verdict, DecisionSource source, int peerIndex) {
        if (peerIndex >= MAX_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_PEERS + " peers are supported");
        }
        return verdict.ordinal() | (source.ordinal() << 2) | ((peerIndex + 1) << 7);
    }

    /** A drop because the address is tunnel-bound and no peer accepts it. */
    public static int noPeer(DecisionSource source) {
        return Verdict.DROP.ordinal() | (source.ordinal() << 2) | NO_PEER_FLAG;
    }

    /** Verdict ordinal: 0 tunnel, 1 bypass, 2 drop (compare with {@link Verdict#ordinal()}). */
    public static int verdictCode(int value) {
        return value & 3;
    }

    public static Verdict verdict(int value) {
        return Verdict.ofCode(value & 3);
    }

    public static DecisionSource source(int value) {
        return DecisionSource.ofCode((value >>> 2) & 15);
    }

    /** True for a tunnel-bound address no peer accepts. */
    public static boolean isNoPeer(int value) {
        return (value & NO_PEER_FLAG) != 0;
    }

    /** Index of the peer a tunnel verdict goes to, or -1. */
    public static int peer(int value) {
        return (value >>> 7) - 1;
    }
}

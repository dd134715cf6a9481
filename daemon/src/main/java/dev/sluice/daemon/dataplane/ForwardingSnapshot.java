package dev.sluice.daemon.dataplane;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.Classification;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.LearnedOverlay;
import dev.sluice.routing.trie.CompiledPrefixTable;
import java.util.List;

/**
 * What the data threads decide with, published as one immutable object (one volatile write by the
 * control thread; the data threads read it once per batch):
 *
 * @param policy the static policy: destination to verdict and peer (outbound)
 * @param learned routes learned from DNS answers, checked before {@code policy} (see {@link
 *     LearnedOverlay}: admitted so that this order is the longest-prefix answer)
 * @param allowedIps inner source to peer index: cryptokey routing for inbound packets
 * @param peers runtime state by peer index
 * @param mtu the tunnel MTU (for MSS clamping and padding)
 */
public record ForwardingSnapshot(
        CompiledPolicy policy,
        LearnedOverlay learned,
        CompiledPrefixTable allowedIps,
        List<PeerRuntime> peers,
        int mtu) {
    public ForwardingSnapshot {
        peers = List.copyOf(peers);
    }

    /** The same tables with other learned routes. */
    public ForwardingSnapshot withLearned(LearnedOverlay overlay) {
        return new ForwardingSnapshot(policy, overlay, allowedIps, peers, mtu);
    }

    /** The {@link dev.sluice.routing.policy.RouteValue} for an IPv4 destination. No allocation. */
    int lookupV4(int destination) {
        int value = learned.table().lookupV4(destination);
        return value >= 0 ? value : policy.forwarding().lookupV4(destination);
    }

    /** The {@link dev.sluice.routing.policy.RouteValue} for an IPv6 destination. No allocation. */
    int lookupV6(long high, long low) {
        int value = learned.table().lookupV6(high, low);
        return value >= 0 ? value : policy.forwarding().lookupV6(high, low);
    }

    /** The verdict for {@code address} and the rule behind it, as the data path decides it. */
    public Classification classify(IpPrefix address) {
        return learned.classify(policy, address);
    }

    PeerRuntime peer(int index) {
        return index >= 0 && index < peers.size() ? peers.get(index) : null;
    }
}

package dev.sluice.daemon.dataplane;

import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.trie.CompiledPrefixTable;
import java.util.List;

/**
 * What the data threads decide with, published as one immutable object (one volatile write by the
 * control thread; the data threads read it once per batch):
 *
 * @param policy destination to verdict and peer (outbound)
 * @param allowedIps inner source to peer index: cryptokey routing for inbound packets
 * @param peers runtime state by peer index
 * @param mtu the tunnel MTU (for MSS clamping and padding)
 */
public record ForwardingSnapshot(
        CompiledPolicy policy, CompiledPrefixTable allowedIps, List<PeerRuntime> peers, int mtu) {
    public ForwardingSnapshot {
        peers = List.copyOf(peers);
    }

    PeerRuntime peer(int index) {
        return index >= 0 && index < peers.size() ? peers.get(index) : null;
    }
}

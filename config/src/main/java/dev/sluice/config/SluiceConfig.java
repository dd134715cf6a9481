package dev.sluice.config;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.SplitPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A whole, valid configuration.
 *
 * @param source the user's file
 * @param iface {@code [Interface]}
 * @param peers every {@code [Peer]}, in file order (the index is the peer index in routes)
 * @param split {@code [Split]}
 * @param managedSources the keys set by a managed (MDM) source, as {@code Section.Key} or {@code
 *     Peer(<public key>).Key}, each with the source that set it ({@link
 *     dev.sluice.config.managed.ManagedSources#describe}); they cannot be overridden by reload or
 *     the CLI
 */
public record SluiceConfig(
        Path source,
        InterfaceConfig iface,
        List<PeerConfig> peers,
        SplitConfig split,
        Map<String, String> managedSources) {
    public SluiceConfig {
        peers = List.copyOf(peers);
        managedSources = Map.copyOf(managedSources);
    }

    /** The keys a managed source set (the keys of {@link #managedSources()}). */
    public Set<String> managedKeys() {
        return managedSources.keySet();
    }

    /**
     * The split policy this configuration describes, knowing only what the file says (no attached
     * networks; endpoints only when they are address literals).
     */
    public SplitPolicy splitPolicy() {
        List<IpPrefix> endpoints = new ArrayList<>();
        for (PeerConfig peer : peers) {
            if (peer.endpoint() != null) {
                IpPrefix literal = peer.endpoint().literalAddress();
                if (literal != null) {
                    endpoints.add(literal);
                }
            }
        }
        return new SplitPolicy(
                split.mode(),
                split.tunnel(),
                split.bypass(),
                peers.stream().map(PeerConfig::allowedIps).toList(),
                split.localNetworks(),
                List.of(),
                endpoints.stream().filter(Objects::nonNull).toList(),
                iface.dnsServers().stream()
                        .map(server -> IpPrefix.parseAddress(server.getHostAddress()))
                        .toList());
    }
}

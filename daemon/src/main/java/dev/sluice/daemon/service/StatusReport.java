package dev.sluice.daemon.service;

import dev.sluice.daemon.dns.DnsStatus;
import dev.sluice.daemon.killswitch.KillSwitchStatus;
import java.util.List;
import java.util.Map;

/**
 * What {@code sluice status} reports (SPEC.md), in the JSON scripts read and the table people read.
 *
 * @param error the reason of the error state (or of giving up on reconciliation), else null
 * @param trieRoutes prefixes in the forwarding trie
 * @param kernelRoutes routes Sluice holds in its OS table
 * @param offloads the data plane's offloads ({@code DataPlane.offloads()}); empty while
 *     disconnected and in per-packet mode
 * @param counters data-plane counters by name (verdicts, bytes, ICMP errors sent, …)
 * @param drops drops by reason (data plane, decoder and protocol core)
 * @param overridingRoutes routes another program added to main that win over Sluice
 * @param dns split DNS, or null when the configuration asks for none
 * @param killswitch the kill switch: off, armed or blocking, and why
 * @param managedKeys the keys a managed source sets, with that source (of the running
 *     configuration; while disconnected, of the one the next connect would use)
 */
public record StatusReport(
        String state,
        String error,
        String configFile,
        String interfaceName,
        String mode,
        String strategy,
        List<PeerStatus> peers,
        int trieRoutes,
        int kernelRoutes,
        List<String> offloads,
        Map<String, Long> counters,
        Map<String, Long> drops,
        List<String> overridingRoutes,
        DnsStatus dns,
        KillSwitchStatus killswitch,
        List<ManagedKey> managedKeys) {}

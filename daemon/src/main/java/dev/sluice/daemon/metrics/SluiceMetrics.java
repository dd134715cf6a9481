package dev.sluice.daemon.metrics;

import dev.sluice.crypto.DropReason;
import dev.sluice.daemon.connection.Connection;
import dev.sluice.daemon.dataplane.Counter;
import dev.sluice.daemon.dataplane.PeerRuntime;
import dev.sluice.daemon.dns.DnsCounters;
import dev.sluice.daemon.service.ServiceState;
import dev.sluice.daemon.service.TunnelService;
import dev.sluice.packet.DecodeResult;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The registry and its meters. Counters read the current connection's counters (0 while
 * disconnected; they restart from 0 at each connect, which Prometheus' rate() handles as a reset).
 */
public final class SluiceMetrics {
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TunnelService service;
    private final MultiGauge handshakeAge;

    public SluiceMetrics(TunnelService service) {
        this.service = service;
        traffic("out", "tunnel", Counter.OUT_TUNNEL_PACKETS, Counter.OUT_TUNNEL_BYTES);
        traffic("out", "bypass", Counter.OUT_BYPASS_PACKETS, Counter.OUT_BYPASS_BYTES);
        traffic("in", "tunnel", Counter.IN_PACKETS, Counter.IN_BYTES);
        counter(
                "sluice_packets",
                "Packets by direction and verdict",
                Tags.of("direction", "out", "verdict", "drop"),
                c -> c.dataPlane().counters().get(Counter.OUT_DROP_PACKETS));
        counter(
                "sluice_reinjected_packets",
                "Packets written back into the host stack (bypass)",
                Tags.empty(),
                c -> c.dataPlane().counters().get(Counter.OUT_BYPASS_PACKETS));
        counter(
                "sluice_icmp_errors_sent",
                "ICMP unreachables written back for dropped packets",
                Tags.empty(),
                c -> c.dataPlane().counters().get(Counter.ICMP_ERRORS_SENT));
        counter(
                "sluice_icmp_errors_suppressed",
                "ICMP unreachables not sent because of the rate limit (per destination and"
                        + " global)",
                Tags.empty(),
                c -> c.dataPlane().counters().get(Counter.ICMP_ERRORS_SUPPRESSED));
        dataPathErrors("outbound", Counter.OUTBOUND_ERRORS);
        dataPathErrors("inbound", Counter.INBOUND_ERRORS);
        dataPathErrors("control", Counter.CONTROL_ERRORS);
        for (Counter counter : Counter.values()) {
            if (counter.isDrop()) {
                counter(
                        "sluice_drops",
                        "Dropped packets by reason",
                        Tags.of("reason", counter.label()),
                        c -> c.dataPlane().counters().get(counter));
            }
        }
        for (DecodeResult result : DecodeResult.values()) {
            if (result != DecodeResult.OK) {
                counter(
                        "sluice_drops",
                        "Dropped packets by reason",
                        Tags.of("reason", "decode_" + result.name().toLowerCase(Locale.ROOT)),
                        c -> c.dataPlane().counters().decodeDrops(result));
            }
        }
        for (DropReason reason : DropReason.values()) {
            counter(
                    "sluice_drops",
                    "Dropped packets by reason",
                    Tags.of("reason", "protocol_" + reason.counterName()),
                    c -> c.tunnels().dropCount(reason));
        }
        counter(
                "sluice_handshakes",
                "Handshake messages and outcomes",
                Tags.of("event", "sent"),
                c -> c.tunnels().handshakesSent());
        counter(
                "sluice_handshakes",
                "Handshake messages and outcomes",
                Tags.of("event", "received"),
                c -> c.tunnels().handshakesReceived());
        counter(
                "sluice_handshakes",
                "Handshake messages and outcomes",
                Tags.of("event", "completed"),
                c -> c.tunnels().handshakesCompleted());
        counter(
                "sluice_handshakes",
                "Handshake messages and outcomes",
                Tags.of("event", "failed"),
                c -> c.tunnels().handshakesFailed());
        counter(
                "sluice_route_operations",
                "Changes to routes, rules, firewall and sysctls applied",
                Tags.empty(),
                Connection::routeOperations);
        for (DnsCounters.Event event : DnsCounters.Event.values()) {
            counter(
                    "sluice_dns_events",
                    "What the split-DNS forwarder did: queries by resolver, failures, learned"
                            + " addresses, TCP connections refused or cut, truncated replies",
                    Tags.of("event", event.label()),
                    c -> c.dnsCounters() == null ? 0 : c.dnsCounters().get(event));
        }
        gauge(
                "sluice_dns_learned_routes",
                "Host routes learned from DNS answers that are alive now",
                c -> c.learnedRoutesTable() == null ? 0 : c.learnedRoutesTable().routes().size());
        gauge(
                "sluice_trie_prefixes",
                "Prefixes in the forwarding trie",
                c -> c.dataPlane().snapshot().policy().size());
        gauge(
                "sluice_kernel_routes",
                "Routes Sluice holds in its OS table",
                Connection::kernelRouteCount);
        gauge(
                "sluice_buffer_pool_in_use",
                "Packet buffers in flight",
                c -> c.dataPlane().pool().inUse());
        gauge(
                "sluice_buffer_pool_capacity",
                "Packet buffers in the pool",
                c -> c.dataPlane().pool().capacity());
        for (ServiceState state : ServiceState.values()) {
            Gauge.builder("sluice_state", service, s -> s.state() == state ? 1 : 0)
                    .description("1 for the current lifecycle state")
                    .tags("state", state.word())
                    .register(registry);
        }
        handshakeAge =
                MultiGauge.builder("sluice_peer_latest_handshake_age_seconds")
                        .description("Seconds since the latest completed handshake with each peer")
                        .register(registry);
    }

    private void dataPathErrors(String path, Counter errors) {
        counter(
                "sluice_data_path_errors",
                "Exceptions and device read failures on each data path (the packet is lost, the"
                        + " path goes on)",
                Tags.of("path", path),
                c -> c.dataPlane().counters().get(errors));
    }

    private void traffic(String direction, String verdict, Counter packets, Counter bytes) {
        Tags tags = Tags.of("direction", direction, "verdict", verdict);
        counter(
                "sluice_packets",
                "Packets by direction and verdict",
                tags,
                c -> c.dataPlane().counters().get(packets));
        counter(
                "sluice_bytes",
                "Bytes by direction and verdict",
                tags,
                c -> c.dataPlane().counters().get(bytes));
    }

    private void counter(
            String name, String description, Tags tags, ToDoubleFunction<Connection> read) {
        FunctionCounter.builder(name, service, s -> readOrZero(s, read))
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<Connection> read) {
        Gauge.builder(name, service, s -> readOrZero(s, read))
                .description(description)
                .register(registry);
    }

    private static double readOrZero(TunnelService service, ToDoubleFunction<Connection> read) {
        Connection connection = service.connection();
        return connection == null ? 0 : read.applyAsDouble(connection);
    }

    /** The Prometheus text exposition, as of now. */
    public String scrape() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        Connection connection = service.connection();
        if (connection != null) {
            long nowWallNs = System.currentTimeMillis() * 1_000_000L;
            for (PeerRuntime peer : connection.peers()) {
                long last = peer.tunnel().lastHandshakeWallNs();
                if (last != 0) {
                    double age = Math.max(0, (nowWallNs - last) / 1e9);
                    rows.add(MultiGauge.Row.of(Tags.of("peer", peer.publicKey().toBase64()), age));
                }
            }
        }
        handshakeAge.register(rows, true);
        return registry.scrape();
    }
}

package dev.sluice.daemon.uapi;

import dev.sluice.config.Endpoint;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.connection.Connection;
import dev.sluice.daemon.dataplane.PeerRuntime;
import dev.sluice.daemon.service.TunnelService;
import dev.sluice.routing.IpPrefix;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.List;

/**
 * Answers the text protocol: {@code get=1} describes the interface and its peers as wireguard-go
 * does; {@code set=1} changes keys, peers, allowed IPs, keepalives and endpoints ({@link
 * SetRequest}). A malformed set gets EINVAL and changes nothing; managed keys EPERM; while
 * disconnected, ENODEV.
 */
final class WireGuardApi {
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    private static final HexFormat HEX = HexFormat.of();

    private final TunnelService service;

    WireGuardApi(TunnelService service) {
        this.service = service;
    }

    /** The reply to one request (its lines without the blank terminator). */
    String answer(List<String> request) {
        if (request.isEmpty()) {
            return "errno=" + EINVAL + "\n\n";
        }
        Connection connection = service.connection();
        if (connection == null) {
            return "errno=" + ENODEV + "\n\n";
        }
        return switch (request.get(0)) {
            case "get=1" -> get(connection);
            case "set=1" -> "errno=" + set(connection, request.subList(1, request.size())) + "\n\n";
            default -> "errno=" + EINVAL + "\n\n";
        };
    }

    private static String get(Connection connection) {
        SluiceConfig config = connection.config();
        StringBuilder out = new StringBuilder();
        out.append("private_key=")
                .append(HEX.formatHex(config.iface().privateKey().bytes()))
                .append('\n');
        out.append("listen_port=").append(connection.dataPlane().transport().port()).append('\n');
        if (config.iface().fwMark() != 0) {
            out.append("fwmark=").append(config.iface().fwMark()).append('\n');
        }
        long nowWallNs = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < connection.peers().size(); i++) {
            PeerRuntime peer = connection.peers().get(i);
            PeerConfig peerConfig = config.peers().get(i);
            out.append("public_key=").append(HEX.formatHex(peer.publicKey().bytes())).append('\n');
            if (peerConfig.presharedKey() != null) {
                out.append("preshared_key=")
                        .append(HEX.formatHex(peerConfig.presharedKey().bytes()))
                        .append('\n');
            }
            out.append("protocol_version=1\n");
            InetSocketAddress endpoint = peer.endpoint();
            if (endpoint != null) {
                String host = endpoint.getAddress().getHostAddress();
                out.append("endpoint=")
                        .append(host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                        .append(':')
                        .append(endpoint.getPort())
                        .append('\n');
            }
            long last = Math.min(peer.tunnel().lastHandshakeWallNs(), nowWallNs);
            out.append("last_handshake_time_sec=").append(last / 1_000_000_000L).append('\n');
            out.append("last_handshake_time_nsec=").append(last % 1_000_000_000L).append('\n');
            out.append("tx_bytes=").append(peer.tunnel().transmittedBytes()).append('\n');
            out.append("rx_bytes=").append(peer.tunnel().receivedBytes()).append('\n');
            out.append("persistent_keepalive_interval=")
                    .append(peerConfig.persistentKeepalive().toSeconds())
                    .append('\n');
            for (IpPrefix allowed : peerConfig.allowedIps()) {
                out.append("allowed_ip=").append(allowed).append('\n');
            }
        }
        return out.append("errno=0\n\n").toString();
    }

    /**
     * Validates the whole request first ({@link SetRequest}), then applies it: endpoint changes
     * live, anything else (keys, peers, allowed IPs) by making the connection again with the new
     * configuration, which stays until the next reload from the file.
     */
    private int set(Connection connection, List<String> lines) {
        SluiceConfig current = connection.config();
        SetRequest.Outcome outcome = SetRequest.apply(current, lines);
        if (outcome.errno() != 0) {
            return outcome.errno();
        }
        SluiceConfig next = outcome.config();
        if (onlyEndpointsDiffer(current, next)) {
            for (int i = 0; i < next.peers().size(); i++) {
                Endpoint endpoint = next.peers().get(i).endpoint();
                if (endpoint != null && !endpoint.equals(current.peers().get(i).endpoint())) {
                    connection
                            .peers()
                            .get(i)
                            .updateEndpoint(
                                    new InetSocketAddress(
                                            literal(endpoint.host()), endpoint.port()));
                }
            }
            return 0;
        }
        try {
            service.applyRuntime(next).get(60, java.util.concurrent.TimeUnit.SECONDS);
            return 0;
        } catch (Exception e) {
            return EINVAL;
        }
    }

    private static boolean onlyEndpointsDiffer(SluiceConfig current, SluiceConfig next) {
        if (!current.iface().equals(next.iface())
                || current.peers().size() != next.peers().size()) {
            return false;
        }
        for (int i = 0; i < current.peers().size(); i++) {
            PeerConfig a = current.peers().get(i);
            PeerConfig b = next.peers().get(i);
            if (!a.publicKey().equals(b.publicKey())
                    || !java.util.Objects.equals(a.presharedKey(), b.presharedKey())
                    || !a.allowedIps().equals(b.allowedIps())
                    || !a.persistentKeepalive().equals(b.persistentKeepalive())) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress literal(String host) {
        try {
            return InetAddress.getByName(host); // a literal: SetRequest checked it
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(host, e);
        }
    }
}

package dev.sluice.daemon.uapi;

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
 * does; {@code set=1} changes a peer's endpoint (the one setting that applies live). Anything else
 * in a set gets {@code errno} EOPNOTSUPP (wg reports it) and changes nothing; while disconnected,
 * ENODEV.
 */
final class WireGuardApi {
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EOPNOTSUPP = 95;
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

    /** Validates the whole request first, then applies it: nothing half-applied. */
    private static int set(Connection connection, List<String> lines) {
        PeerRuntime selected = null;
        java.util.Map<PeerRuntime, InetSocketAddress> endpoints = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            int equals = line.indexOf('=');
            if (equals <= 0) {
                return EINVAL;
            }
            String key = line.substring(0, equals);
            String value = line.substring(equals + 1);
            switch (key) {
                case "public_key" -> {
                    selected = null;
                    for (PeerRuntime peer : connection.peers()) {
                        if (HEX.formatHex(peer.publicKey().bytes()).equals(value)) {
                            selected = peer;
                        }
                    }
                    if (selected == null) {
                        return EOPNOTSUPP; // adding peers at run time: not supported
                    }
                }
                case "endpoint" -> {
                    if (selected == null) {
                        return EINVAL;
                    }
                    InetSocketAddress endpoint = parseEndpoint(value);
                    if (endpoint == null) {
                        return EINVAL;
                    }
                    endpoints.put(selected, endpoint);
                }
                case "replace_allowed_ips", "update_only" -> {
                    if (selected == null) {
                        return EINVAL;
                    }
                }
                default -> {
                    return EOPNOTSUPP;
                }
            }
        }
        endpoints.forEach(PeerRuntime::updateEndpoint);
        return 0;
    }

    private static InetSocketAddress parseEndpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535 || !isLiteral(host)) {
                return null;
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** Address literals only: the API never resolves names. */
    private static boolean isLiteral(String host) {
        try {
            IpPrefix.parseAddress(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

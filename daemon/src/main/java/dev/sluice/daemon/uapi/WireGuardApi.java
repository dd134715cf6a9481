package dev.sluice.daemon.uapi;

import dev.sluice.config.Endpoint;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.connection.Connection;
import dev.sluice.daemon.dataplane.PeerRuntime;
import dev.sluice.daemon.service.TunnelService;
import dev.sluice.routing.IpPrefix;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Answers the text protocol: {@code get=1} describes the interface and its peers as wireguard-go
 * does; {@code set=1} changes keys, peers, allowed IPs, keepalives and endpoints ({@link
 * SetRequest}). A refused set changes nothing and is logged with its reason: EINVAL for a value the
 * configuration file would refuse too (an fwmark of 0 among them), EPERM for what a managed profile
 * sets, ENODEV while disconnected.
 *
 * <p>The errno of a set reply is negative, as wireguard-go sends it and as the stock {@code wg}
 * reads it ("Unable to modify interface: Invalid argument"); that of a get reply positive, as
 * {@code wg} reads that one.
 */
final class WireGuardApi {
    static final int ENODEV = 19;
    static final int EINVAL = SetRequest.EINVAL;
    private static final long RECONNECT_TIMEOUT_S = 60;
    private static final HexFormat HEX = HexFormat.of();
    private static final Logger LOG = System.getLogger(WireGuardApi.class.getName());

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
        return switch (request.get(0)) {
            case "get=1" -> connection == null ? "errno=" + ENODEV + "\n\n" : get(connection);
            case "set=1" ->
                    "errno="
                            + (connection == null
                                    ? -ENODEV
                                    : set(target(connection), request.subList(1, request.size())))
                            + "\n\n";
            default -> "errno=" + EINVAL + "\n\n";
        };
    }

    private SetTarget target(Connection connection) {
        return new SetTarget() {
            @Override
            public SluiceConfig config() {
                return connection.config();
            }

            @Override
            public void moveEndpoint(int peerIndex, InetSocketAddress endpoint) {
                connection.peers().get(peerIndex).updateEndpoint(endpoint);
            }

            @Override
            public void reconnect(SluiceConfig next) throws Exception {
                service.applyRuntime(next).get(RECONNECT_TIMEOUT_S, TimeUnit.SECONDS);
            }
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
     * Checks the whole request first ({@link SetRequest}), then applies it: nothing when it changes
     * nothing, endpoint changes live, anything else (keys, listen port, fwmark, peers, allowed IPs)
     * by making the connection again with the new configuration, which stays until the next reload
     * from the file. A new fwmark thus reaches rule 5200, the firewall table and the sockets'
     * SO_MARK together.
     *
     * @return the errno of the reply: 0, or a negative errno
     */
    static int set(SetTarget target, List<String> lines) {
        SluiceConfig current = target.config();
        SetRequest.Outcome outcome = SetRequest.apply(current, lines);
        if (outcome.errno() != 0) {
            LOG.log(
                    Level.WARNING,
                    "wg set refused, nothing changed: "
                            + outcome.reason()
                            + " (errno "
                            + outcome.errno()
                            + ")");
            return -outcome.errno();
        }
        SluiceConfig next = outcome.config();
        if (next.iface().equals(current.iface())
                && SetRequest.samePeers(current.peers(), next.peers(), false)) {
            for (int i = 0; i < next.peers().size(); i++) {
                Endpoint endpoint = next.peers().get(i).endpoint();
                if (endpoint != null && !endpoint.equals(current.peers().get(i).endpoint())) {
                    LOG.log(
                            Level.INFO,
                            "wg set: peer "
                                    + next.peers().get(i).publicKey()
                                    + " endpoint "
                                    + endpoint);
                    target.moveEndpoint(
                            i, new InetSocketAddress(literal(endpoint.host()), endpoint.port()));
                }
            }
            return 0;
        }
        try {
            target.reconnect(next);
            return 0;
        } catch (Exception e) {
            LOG.log(
                    Level.WARNING,
                    "wg set: making the connection again with the changed configuration failed: "
                            + e);
            return -EINVAL;
        }
    }

    private static InetAddress literal(String host) {
        try {
            return InetAddress.getByName(host); // a literal: SetRequest checked it
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(host, e);
        }
    }
}

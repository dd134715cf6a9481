package dev.sluice.daemon.uapi;

import dev.sluice.config.Endpoint;
import dev.sluice.config.InterfaceConfig;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.PresharedKey;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.crypto.PublicKey;
import dev.sluice.routing.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code set=1} request applied to a configuration, all or nothing: every line is checked before
 * anything changes, and the result is a new configuration (or an errno). Keys of the protocol:
 * private_key, listen_port, fwmark, replace_peers, public_key, remove, update_only, preshared_key,
 * endpoint, persistent_keepalive_interval, replace_allowed_ips, allowed_ip, protocol_version. Keys
 * an MDM profile manages cannot be changed (EPERM).
 */
final class SetRequest {
    static final int EPERM = 1;
    private static final HexFormat HEX = HexFormat.of();

    /** The outcome: a configuration, or the errno to answer. */
    record Outcome(SluiceConfig config, int errno) {}

    private static final class Peer {
        final PublicKey key;
        PresharedKey presharedKey;
        Endpoint endpoint;
        List<IpPrefix> allowedIps = new ArrayList<>();
        Duration keepalive = Duration.ZERO;
        boolean existed;
        boolean remove;
        boolean updateOnly;

        Peer(PublicKey key) {
            this.key = key;
        }
    }

    private SetRequest() {}

    static Outcome apply(SluiceConfig current, List<String> lines) {
        InterfaceConfig iface = current.iface();
        PrivateKey privateKey = iface.privateKey();
        int listenPort = iface.listenPort();
        int fwMark = iface.fwMark();
        Map<String, Peer> peers = new LinkedHashMap<>();
        for (PeerConfig config : current.peers()) {
            Peer peer = new Peer(config.publicKey());
            peer.presharedKey = config.presharedKey();
            peer.endpoint = config.endpoint();
            peer.allowedIps = new ArrayList<>(config.allowedIps());
            peer.keepalive = config.persistentKeepalive();
            peer.existed = true;
            peers.put(HEX.formatHex(config.publicKey().bytes()), peer);
        }
        boolean interfaceChanged = false;
        boolean peersChanged = false;
        Peer selected = null;
        try {
            for (String line : lines) {
                int equals = line.indexOf('=');
                if (equals <= 0) {
                    return new Outcome(null, WireGuardApi.EINVAL);
                }
                String key = line.substring(0, equals);
                String value = line.substring(equals + 1);
                if (selected == null) {
                    switch (key) {
                        case "private_key" -> {
                            privateKey = new PrivateKey(key32(value));
                            interfaceChanged = true;
                        }
                        case "listen_port" -> {
                            listenPort = range(value, 0, 65535);
                            interfaceChanged = true;
                        }
                        case "fwmark" -> {
                            fwMark = (int) Long.parseLong(value);
                            interfaceChanged = true;
                        }
                        case "replace_peers" -> {
                            if (value.equals("true")) {
                                peers.values().forEach(peer -> peer.remove = true);
                                peersChanged = true;
                            }
                        }
                        case "public_key" -> selected = select(peers, value);
                        default -> {
                            return new Outcome(null, WireGuardApi.EINVAL);
                        }
                    }
                    continue;
                }
                switch (key) {
                    case "public_key" -> selected = select(peers, value);
                    case "remove" -> selected.remove = value.equals("true");
                    case "update_only" -> selected.updateOnly = value.equals("true");
                    case "preshared_key" -> {
                        byte[] bytes = key32(value);
                        selected.presharedKey =
                                java.util.Arrays.equals(bytes, new byte[32])
                                        ? null
                                        : new PresharedKey(bytes);
                    }
                    case "endpoint" -> {
                        int colon = value.lastIndexOf(':');
                        String host = value.substring(0, colon).replace("[", "").replace("]", "");
                        IpPrefix.parseAddress(host);
                        selected.endpoint =
                                new Endpoint(host, range(value.substring(colon + 1), 1, 65535));
                        continue; // an endpoint alone applies live
                    }
                    case "persistent_keepalive_interval" ->
                            selected.keepalive = Duration.ofSeconds(range(value, 0, 65535));
                    case "replace_allowed_ips" -> {
                        if (value.equals("true")) {
                            selected.allowedIps.clear();
                        }
                    }
                    case "allowed_ip" -> selected.allowedIps.add(IpPrefix.parse(value));
                    case "protocol_version" -> {
                        if (!value.equals("1")) {
                            return new Outcome(null, WireGuardApi.EINVAL);
                        }
                        continue;
                    }
                    default -> {
                        return new Outcome(null, WireGuardApi.EINVAL);
                    }
                }
                peersChanged = true;
            }
        } catch (RuntimeException e) {
            return new Outcome(null, WireGuardApi.EINVAL);
        }
        if ((interfaceChanged && managedAny(current, "Interface."))
                || (peersChanged && managedAny(current, "Peer"))) {
            return new Outcome(null, EPERM);
        }
        List<PeerConfig> result = new ArrayList<>();
        for (Peer peer : peers.values()) {
            if (peer.remove || (peer.updateOnly && !peer.existed)) {
                continue;
            }
            result.add(
                    new PeerConfig(
                            peer.key,
                            peer.presharedKey,
                            peer.endpoint,
                            peer.allowedIps,
                            peer.keepalive,
                            0));
        }
        InterfaceConfig nextInterface =
                new InterfaceConfig(
                        privateKey,
                        iface.addresses(),
                        iface.dnsServers(),
                        iface.dnsSearchDomains(),
                        iface.mtu(),
                        listenPort,
                        iface.name(),
                        fwMark,
                        iface.table(),
                        iface.autoConnect(),
                        iface.allowScripts(),
                        iface.scripts(),
                        iface.metricsPort());
        return new Outcome(
                new SluiceConfig(
                        current.source(),
                        nextInterface,
                        result,
                        current.split(),
                        current.managedKeys()),
                0);
    }

    private static Peer select(Map<String, Peer> peers, String hex) {
        key32(hex);
        return peers.computeIfAbsent(hex, k -> new Peer(new PublicKey(HEX.parseHex(k))));
    }

    private static byte[] key32(String hex) {
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a key is 64 hex digits");
        }
        return HEX.parseHex(hex);
    }

    private static int range(String text, int min, int max) {
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException(text + " out of range");
        }
        return value;
    }

    private static boolean managedAny(SluiceConfig config, String prefix) {
        return config.managedKeys().stream().anyMatch(key -> key.startsWith(prefix));
    }
}

package dev.sluice.daemon.uapi;

import dev.sluice.config.ConfigRules;
import dev.sluice.config.Endpoint;
import dev.sluice.config.InterfaceConfig;
import dev.sluice.config.InvalidValueException;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.PresharedKey;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.crypto.PublicKey;
import dev.sluice.routing.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@code set=1} request applied to a configuration, all or nothing: every line is checked before
 * anything changes, and the result is a new configuration, or an errno with the reason.
 *
 * <p>Keys of the protocol: private_key, listen_port, fwmark, replace_peers, public_key, remove,
 * update_only, preshared_key, endpoint, persistent_keepalive_interval, replace_allowed_ips,
 * allowed_ip (a leading {@code -} removes the prefix), protocol_version. Values follow the rules of
 * the configuration file ({@link ConfigRules}): a refused value gets EINVAL and a reason naming the
 * key and the value (never a secret's value). An fwmark of 0 ({@code wg set … fwmark off}) is
 * refused: rule 5200 would then match every packet and nothing would be tunnelled; so is an
 * all-zero private key (no key, to wireguard-go). {@code wg setconf} and {@code syncconf} send both
 * for a file without PrivateKey or FwMark, so their file must name them (as {@code wg showconf}
 * prints them).
 *
 * <p>Peers follow wireguard-go: {@code replace_peers} removes every peer, so a peer named again
 * after it is created afresh with exactly the values the request gives; {@code remove} drops the
 * selected peer and {@code update_only} drops it when it did not exist; the lines after either are
 * checked but change nothing. An address prefix may belong to one peer only, as in the file.
 *
 * <p>When a managed (MDM) source sets any {@code [Interface]} key, no interface value may change;
 * when it sets any key of any peer, the peers may not change in any way (endpoints included).
 * Either gets EPERM.
 */
final class SetRequest {
    static final int EPERM = 1;
    static final int EINVAL = 22;
    private static final HexFormat HEX = HexFormat.of();
    private static final int MAX_QUOTED_CHARS = 100;

    /** wg setconf and syncconf send a zero key and mark for what their file does not name. */
    private static final String SETCONF_HINT =
            " (wg setconf and syncconf send zero when the file has no PrivateKey or FwMark: start"
                    + " from the output of wg showconf)";

    /**
     * The outcome of a request.
     *
     * @param config the configuration after the request, or null when refused
     * @param errno 0, or the errno to answer
     * @param reason why it was refused (names the key and value), or null
     */
    record Outcome(SluiceConfig config, int errno, String reason) {
        static Outcome refused(int errno, String reason) {
            return new Outcome(null, errno, reason);
        }
    }

    /** A refusal found while reading the lines; carries no stack trace. */
    private static final class Refused extends RuntimeException {
        final int errno;

        Refused(int errno, String reason) {
            super(reason, null, false, false);
            this.errno = errno;
        }
    }

    private static final class Peer {
        final PublicKey key;
        final boolean existed;
        PresharedKey presharedKey;
        Endpoint endpoint;
        List<IpPrefix> allowedIps = new ArrayList<>();
        Duration keepalive = Duration.ZERO;

        Peer(PublicKey key, boolean existed) {
            this.key = key;
            this.existed = existed;
        }
    }

    private SetRequest() {}

    static Outcome apply(SluiceConfig current, List<String> lines) {
        try {
            return new Outcome(next(current, lines), 0, null);
        } catch (Refused refused) {
            return Outcome.refused(refused.errno, refused.getMessage());
        }
    }

    private static SluiceConfig next(SluiceConfig current, List<String> lines) {
        InterfaceConfig iface = current.iface();
        PrivateKey privateKey = iface.privateKey();
        int listenPort = iface.listenPort();
        int fwMark = iface.fwMark();
        Map<String, Peer> peers = new LinkedHashMap<>();
        for (PeerConfig config : current.peers()) {
            Peer peer = new Peer(config.publicKey(), true);
            peer.presharedKey = config.presharedKey();
            peer.endpoint = config.endpoint();
            peer.allowedIps = new ArrayList<>(config.allowedIps());
            peer.keepalive = config.persistentKeepalive();
            peers.put(HEX.formatHex(config.publicKey().bytes()), peer);
        }
        Peer selected = null;
        for (String line : lines) {
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new Refused(EINVAL, "a line is not key=value");
            }
            String key = line.substring(0, equals);
            String value = line.substring(equals + 1);
            if (key.equals("public_key")) {
                selected = select(peers, value);
                continue;
            }
            if (selected == null) {
                switch (key) {
                    case "private_key" -> {
                        byte[] bytes = key32(key, value, true);
                        if (Arrays.equals(bytes, new byte[32])) {
                            throw new Refused(
                                    EINVAL,
                                    "private_key: all zeros would leave the interface without a"
                                            + " key"
                                            + SETCONF_HINT);
                        }
                        privateKey = new PrivateKey(bytes);
                    }
                    case "listen_port" -> listenPort = rule(key, value, ConfigRules::listenPort);
                    case "fwmark" ->
                            fwMark =
                                    rule(
                                            key,
                                            value,
                                            ConfigRules::fwMark,
                                            value.equals("0") ? SETCONF_HINT : "");
                    case "replace_peers" -> {
                        requireTrue(key, value);
                        peers.clear();
                    }
                    default -> throw unknown(key);
                }
                continue;
            }
            switch (key) {
                case "remove" -> {
                    requireTrue(key, value);
                    peers.values().remove(selected);
                    selected = new Peer(selected.key, false);
                }
                case "update_only" -> {
                    requireTrue(key, value);
                    if (!selected.existed) {
                        peers.values().remove(selected);
                        selected = new Peer(selected.key, false);
                    }
                }
                case "preshared_key" -> {
                    byte[] bytes = key32(key, value, true);
                    selected.presharedKey =
                            Arrays.equals(bytes, new byte[32]) ? null : new PresharedKey(bytes);
                }
                case "endpoint" -> {
                    Endpoint endpoint = rule(key, value, ConfigRules::endpoint);
                    if (endpoint.literalAddress() == null) {
                        throw new Refused(
                                EINVAL,
                                key
                                        + "="
                                        + quoted(value)
                                        + ": the WireGuard API takes an address, not a name"
                                        + " (wg resolves names before it sends them)");
                    }
                    selected.endpoint = endpoint;
                }
                case "persistent_keepalive_interval" ->
                        selected.keepalive = rule(key, value, ConfigRules::persistentKeepalive);
                case "replace_allowed_ips" -> {
                    requireTrue(key, value);
                    selected.allowedIps.clear();
                }
                case "allowed_ip" -> {
                    boolean remove = value.startsWith("-");
                    IpPrefix prefix =
                            rule(
                                    key,
                                    value,
                                    text ->
                                            ConfigRules.prefix(
                                                    "AllowedIPs",
                                                    remove ? text.substring(1) : text));
                    selected.allowedIps.remove(prefix);
                    if (!remove) {
                        selected.allowedIps.add(prefix);
                    }
                }
                case "protocol_version" -> {
                    if (!value.equals("1")) {
                        throw new Refused(
                                EINVAL,
                                key + "=" + quoted(value) + ": only protocol version 1 exists");
                    }
                }
                default -> throw unknown(key);
            }
        }
        List<PeerConfig> nextPeers = new ArrayList<>();
        for (Peer peer : peers.values()) {
            nextPeers.add(
                    new PeerConfig(
                            peer.key,
                            peer.presharedKey,
                            peer.endpoint,
                            peer.allowedIps,
                            peer.keepalive,
                            lineOf(current, peer.key)));
        }
        List<ConfigRules.SharedAllowedIp> shared = ConfigRules.sharedAllowedIps(nextPeers);
        if (!shared.isEmpty()) {
            ConfigRules.SharedAllowedIp first = shared.get(0);
            throw new Refused(
                    EINVAL,
                    "allowed_ip="
                            + first.prefix()
                            + ": the prefix would belong to peers "
                            + first.first().publicKey()
                            + " and "
                            + first.second().publicKey()
                            + "; an address must belong to one peer");
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
                        iface.killSwitch(),
                        iface.allowScripts(),
                        iface.scripts(),
                        iface.metricsPort());
        if (!nextInterface.equals(iface)) {
            refuseManaged(current, "Interface.", "[Interface] keys");
        }
        if (!samePeers(current.peers(), nextPeers, true)) {
            refuseManaged(current, "Peer(", "peers");
        }
        return new SluiceConfig(
                current.source(),
                nextInterface,
                nextPeers,
                current.split(),
                current.managedSources());
    }

    /**
     * Whether two peer lists are equal in everything {@code wg set} can change, in order, endpoints
     * compared only when {@code withEndpoints}.
     */
    static boolean samePeers(List<PeerConfig> a, List<PeerConfig> b, boolean withEndpoints) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            PeerConfig x = a.get(i);
            PeerConfig y = b.get(i);
            if (!x.publicKey().equals(y.publicKey())
                    || !Objects.equals(x.presharedKey(), y.presharedKey())
                    || !x.allowedIps().equals(y.allowedIps())
                    || !x.persistentKeepalive().equals(y.persistentKeepalive())
                    || withEndpoints && !Objects.equals(x.endpoint(), y.endpoint())) {
                return false;
            }
        }
        return true;
    }

    private static Peer select(Map<String, Peer> peers, String value) {
        String hex = HEX.formatHex(key32("public_key", value, false));
        return peers.computeIfAbsent(hex, k -> new Peer(new PublicKey(HEX.parseHex(k)), false));
    }

    /** 64 hex digits; a secret's value never appears in the reason. */
    private static byte[] key32(String key, String value, boolean secret) {
        if (value.length() == 64) {
            try {
                return HEX.parseHex(value);
            } catch (IllegalArgumentException notHex) {
                // Reported below.
            }
        }
        throw new Refused(
                EINVAL,
                (secret ? key : key + "=" + quoted(value))
                        + ": not a key (64 hex digits encoding 32 bytes)");
    }

    private static <T> T rule(String key, String value, Function<String, T> rule) {
        return rule(key, value, rule, "");
    }

    private static <T> T rule(String key, String value, Function<String, T> rule, String hint) {
        try {
            return rule.apply(value);
        } catch (InvalidValueException e) {
            throw new Refused(EINVAL, key + "=" + quoted(value) + ": " + e.getMessage() + hint);
        }
    }

    private static void requireTrue(String key, String value) {
        if (!value.equals("true")) {
            throw new Refused(EINVAL, key + "=" + quoted(value) + ": the only value is true");
        }
    }

    private static Refused unknown(String key) {
        return new Refused(EINVAL, "unknown key " + quoted(key));
    }

    private static void refuseManaged(SluiceConfig current, String prefix, String what) {
        List<String> managed =
                current.managedKeys().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
        if (!managed.isEmpty()) {
            throw new Refused(
                    EPERM,
                    "the "
                            + what
                            + " are set by a managed profile ("
                            + String.join(", ", managed)
                            + "); change them there");
        }
    }

    private static int lineOf(SluiceConfig current, PublicKey key) {
        for (PeerConfig peer : current.peers()) {
            if (peer.publicKey().equals(key)) {
                return peer.line();
            }
        }
        return 0;
    }

    /** A value as it may appear in a reason (and the log): printable, and not too long. */
    private static String quoted(String value) {
        String shown =
                value.length() <= MAX_QUOTED_CHARS
                        ? value
                        : value.substring(0, MAX_QUOTED_CHARS) + "…";
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}

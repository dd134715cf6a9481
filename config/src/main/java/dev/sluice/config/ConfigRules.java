package dev.sluice.config;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.PrefixFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules single values of the configuration follow, shared by the file loader and by changes
 * made at run time (the WireGuard API's {@code wg set}), so that both accept and refuse the same
 * values in the same words. Each method returns the typed value or throws {@link
 * InvalidValueException} naming the key (as the file spells it) and the value.
 */
public final class ConfigRules {
    private ConfigRules() {}

    /** {@code ListenPort}: 0 (any free port) to 65535. */
    public static int listenPort(String text) {
        Long port = ConfigValues.number(text, 0, 65535);
        if (port == null) {
            throw new InvalidValueException(
                    "ListenPort '" + text + "' is not a number from 0 to 65535");
        }
        return (int) (long) port;
    }

    /**
     * {@code FwMark}: 1 to 0xffffffff. Off (0) is refused: the daemon's own packets must carry a
     * mark to escape the capture, and with none the rule that lets them out would match every
     * packet, so nothing would be tunnelled.
     */
    public static int fwMark(String text) {
        Long mark = ConfigValues.number(text, 0, 0xffffffffL);
        if (text.strip().equalsIgnoreCase("off") || mark != null && mark == 0) {
            throw new InvalidValueException(
                    "FwMark '"
                            + text
                            + "' turns the mark off, which Sluice refuses: its own packets"
                            + " must be marked to escape the capture, and without a mark the"
                            + " rule that lets them out would match all traffic; use 1 to"
                            + " 0xffffffff (the default is 0x51c)");
        }
        if (mark == null) {
            throw new InvalidValueException(
                    "FwMark '" + text + "' is not a number from 1 to 0xffffffff");
        }
        return (int) (long) mark;
    }

    /**
     * {@code Endpoint}: {@code host:port} with an IPv4 literal or a DNS name as host, or {@code
     * [IPv6]:port}; port 1 to 65535.
     */
    public static Endpoint endpoint(String text) {
        Endpoint endpoint = parseEndpoint(text);
        if (endpoint == null) {
            throw new InvalidValueException(
                    "Endpoint '"
                            + text
                            + "' is not host:port (like vpn.example.com:51820, 192.0.2.1:51820"
                            + " or [2001:db8::1]:51820)");
        }
        return endpoint;
    }

    private static Endpoint parseEndpoint(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return null;
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            try {
                if (IpPrefix.parseAddress(host).isIpv4()) {
                    return null;
                }
            } catch (PrefixFormatException e) {
                return null;
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                return null;
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            boolean literal = host.matches("[0-9.]+");
            if (literal && !isAddress(host)
                    || !literal && !DomainPattern.isDomainName(host.toLowerCase(Locale.ROOT))) {
                return null;
            }
        }
        if (!port.matches("[0-9]{1,5}")) {
            return null;
        }
        Long number = ConfigValues.number(port, 1, 65535);
        return number == null ? null : new Endpoint(host, (int) (long) number);
    }

    private static boolean isAddress(String text) {
        try {
            IpPrefix.parseAddress(text);
            return true;
        } catch (PrefixFormatException e) {
            return false;
        }
    }

    /** {@code PersistentKeepalive}: off, or 0 (off) to 65535 seconds. */
    public static Duration persistentKeepalive(String text) {
        if (text.strip().equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        Long seconds = ConfigValues.number(text, 0, 65535);
        if (seconds == null) {
            throw new InvalidValueException(
                    "PersistentKeepalive '"
                            + text
                            + "' is not off or a number of seconds from 0 to 65535");
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * One prefix of a prefix list such as {@code AllowedIPs}: an address with an optional length no
     * longer than its family's, and no host bits set past the length.
     */
    public static IpPrefix prefix(String key, String text) {
        try {
            return IpPrefix.parse(text);
        } catch (PrefixFormatException e) {
            throw new InvalidValueException(key + ": " + e.getMessage());
        }
    }

    /**
     * A prefix found in the AllowedIPs of two peers.
     *
     * @param prefix the prefix
     * @param first the peer that lists it first
     * @param second the later peer that lists it again
     */
    public record SharedAllowedIp(IpPrefix prefix, PeerConfig first, PeerConfig second) {}

    /**
     * Prefixes listed in the AllowedIPs of more than one peer, which the configuration refuses: an
     * address must belong to one peer (cryptokey routing).
     */
    public static List<SharedAllowedIp> sharedAllowedIps(List<PeerConfig> peers) {
        Map<IpPrefix, PeerConfig> owner = new HashMap<>();
        List<SharedAllowedIp> shared = new ArrayList<>();
        for (PeerConfig peer : peers) {
            for (IpPrefix prefix : peer.allowedIps()) {
                PeerConfig other = owner.putIfAbsent(prefix, peer);
                if (other != null && other != peer) {
                    shared.add(new SharedAllowedIp(prefix, other, peer));
                }
            }
        }
        return shared;
    }
}

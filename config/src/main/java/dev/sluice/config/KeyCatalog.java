package dev.sluice.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every section and key the format knows, with whether the key accumulates over repeated lines
 * (lists, as in wg-quick) or may appear once. Also answers "did you mean".
 */
final class KeyCatalog {
    record Key(String name, boolean list) {}

    static final String INTERFACE = "Interface";
    static final String PEER = "Peer";
    static final String SPLIT = "Split";

    static final List<String> SCRIPT_KEYS = List.of("PreUp", "PostUp", "PreDown", "PostDown");

    private static final Map<String, Map<String, Key>> SECTIONS = new LinkedHashMap<>();

    static {
        section(
                INTERFACE,
                scalar("PrivateKey"),
                scalar("PrivateKeyFile"),
                list("Address"),
                list("DNS"),
                scalar("MTU"),
                scalar("ListenPort"),
                scalar("Name"),
                scalar("FwMark"),
                scalar("Table"),
                scalar("AutoConnect"),
                scalar("KillSwitch"),
                scalar("AllowScripts"),
                scalar("SaveConfig"),
                scalar("MetricsPort"),
                list("PreUp"),
                list("PostUp"),
                list("PreDown"),
                list("PostDown"));
        section(
                PEER,
                scalar("PublicKey"),
                scalar("PresharedKey"),
                scalar("PresharedKeyFile"),
                scalar("Endpoint"),
                list("AllowedIPs"),
                scalar("PersistentKeepalive"));
        section(
                SPLIT,
                scalar("Mode"),
                list("Tunnel"),
                list("Bypass"),
                list("TunnelDomains"),
                list("BypassDomains"),
                scalar("LocalNetworks"),
                scalar("Strategy"),
                scalar("DomainTtlMin"),
                scalar("DomainTtlMax"));
    }

    private KeyCatalog() {}

    private static Key scalar(String name) {
        return new Key(name, false);
    }

    private static Key list(String name) {
        return new Key(name, true);
    }

    private static void section(String name, Key... keys) {
        Map<String, Key> byName = new LinkedHashMap<>();
        for (Key key : keys) {
            byName.put(key.name().toLowerCase(Locale.ROOT), key);
        }
        SECTIONS.put(name.toLowerCase(Locale.ROOT), byName);
    }

    /** The canonical section name, or null when unknown. */
    static String section(String name) {
        for (String known : List.of(INTERFACE, PEER, SPLIT)) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        return null;
    }

    /** The key of {@code section}, or null when that section has no such key. */
    static Key key(String section, String key) {
        return SECTIONS.get(section.toLowerCase(Locale.ROOT)).get(key.toLowerCase(Locale.ROOT));
    }

    /** A hint for an unknown key: the section it belongs to, or the closest known key, or "". */
    static String hintForUnknownKey(String section, String key) {
        for (Map.Entry<String, Map<String, Key>> other : SECTIONS.entrySet()) {
            Key match = other.getValue().get(key.toLowerCase(Locale.ROOT));
            if (match != null && !other.getKey().equalsIgnoreCase(section)) {
                return "; " + match.name() + " belongs in [" + section(other.getKey()) + "]";
            }
        }
        String suggestion =
                closest(
                        key,
                        SECTIONS.get(section.toLowerCase(Locale.ROOT)).values().stream()
                                .map(Key::name)
                                .toList());
        return suggestion == null ? "" : "; did you mean " + suggestion + "?";
    }

    static String hintForUnknownSection(String name) {
        String suggestion = closest(name, List.of(INTERFACE, PEER, SPLIT));
        return suggestion == null
                ? "; sections are [Interface], [Peer] and [Split]"
                : "; did you mean [" + suggestion + "]?";
    }

    /** The candidate within edit distance 2 (or sharing a 4-letter prefix), or null. */
    static String closest(String word, List<String> candidates) {
        String lower = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String other = candidate.toLowerCase(Locale.ROOT);
            int distance = distance(lower, other);
            boolean prefix =
                    lower.length() >= 4
                            && other.length() >= 4
                            && (other.startsWith(lower.substring(0, 4)));
            int limit = Math.max(2, Math.min(lower.length(), other.length()) / 3);
            if ((distance <= limit || prefix) && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

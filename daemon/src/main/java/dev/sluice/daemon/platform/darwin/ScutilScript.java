package dev.sluice.daemon.platform.darwin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code scutil} commands Sluice sends and the output it reads (configd, scutil.tproj: {@code
 * d.init}, {@code d.add key [*#?%] values}, {@code add key temporary}, {@code show key}, {@code
 * remove key}). A key added {@code temporary} lives as long as the scutil session that added it:
 * when the session ends, however it ends, configd removes the key.
 *
 * <p>A DNS entry of Sluice's own ({@code State:/Network/Service/<id>/DNS}) with {@code
 * SupplementalMatchDomains} makes configd build a resolver for each match domain ({@code
 * add_supplemental}, Plugins/IPMonitor/dns-configuration.c); the empty domain, written {@code .} in
 * Sluice's operations, is a resolver for every name, which sorts first and so becomes the default
 * ({@code compareDomain}).
 */
public final class ScutilScript {
    /** The dynamic-store service id of Sluice's DNS entry. */
    public static final String SERVICE = "dev.sluice";

    /** The store's current global DNS (what the system resolves with). */
    public static final String GLOBAL_DNS = "State:/Network/Global/DNS";

    /** The match domain meaning "every name". */
    public static final String EVERY_NAME = ".";

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9.:%_/-]+");

    private ScutilScript() {}

    /** {@code State:/Network/Service/<service>/DNS}. */
    public static String key(String service) {
        return "State:/Network/Service/" + checked(service) + "/DNS";
    }

    /** Adds the DNS entry {@code service} as a temporary key: servers and match domains. */
    public static String addTemporary(
            String service, List<String> servers, List<String> matchDomains) {
        StringBuilder script = new StringBuilder("d.init\n");
        script.append("d.add ServerAddresses *");
        for (String server : servers) {
            script.append(' ').append(checked(server));
        }
        script.append("\nd.add SupplementalMatchDomains *");
        for (String domain : matchDomains) {
            script.append(' ').append(domain.equals(EVERY_NAME) ? "\"\"" : checked(domain));
        }
        script.append("\nadd ").append(key(service)).append(" temporary\n");
        return script.toString();
    }

    public static String show(String key) {
        return "show " + key + "\n";
    }

    public static String remove(String key) {
        return "remove " + key + "\n";
    }

    /**
     * Commands whose output ends with a line holding {@code nonce}: how a reader knows the output
     * of the commands before has all arrived.
     */
    public static String sentinel(String nonce) {
        return "d.init\nd.add SluiceSentinel " + checked(nonce) + "\nd.show\n";
    }

    /** Whether {@code show} found nothing. */
    public static boolean noSuchKey(String output) {
        return output.contains("No such key");
    }

    /**
     * The values of array {@code name} in {@code show} output:
     *
     * <pre>
     * &lt;dictionary&gt; {
     *   ServerAddresses : &lt;array&gt; {
     *     0 : 192.168.1.1
     *     1 : fe80::1%en0
     *   }
     * }
     * </pre>
     */
    public static List<String> arrayValues(String output, String name) {
        List<String> values = new ArrayList<>();
        boolean inside = false;
        for (String raw : output.split("\n")) {
            String line = raw.strip();
            if (!inside) {
                inside = line.startsWith(name + " : <array> {");
                continue;
            }
            if (line.equals("}")) {
                break;
            }
            int colon = line.indexOf(" : ");
            if (colon > 0) {
                values.add(line.substring(colon + 3).strip());
            }
        }
        return values;
    }

    /** Values go to scutil as words: no blanks, quotes or other characters it would interpret. */
    private static String checked(String word) {
        if (!WORD.matcher(word).matches()) {
            throw new IllegalArgumentException("not a plain word for scutil: '" + word + "'");
        }
        return word;
    }
}

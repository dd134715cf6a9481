package dev.sluice.daemon.service;

import dev.sluice.config.SluiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A configuration key set by a managed (MDM) source, as {@code sluice status} shows it: the
 * configuration file, {@code reload} and {@code wg set} cannot change it.
 *
 * @param key {@code Section.Key}, or {@code Peer(<public key>).Key} for a peer's key
 * @param source the file under the managed directory, or {@code managed preferences <domain>} on
 *     macOS
 */
public record ManagedKey(String key, String source) {
    /** The managed keys of {@code config}, sorted by key; none when {@code config} is null. */
    public static List<ManagedKey> of(SluiceConfig config) {
        if (config == null) {
            return List.of();
        }
        List<ManagedKey> keys = new ArrayList<>();
        for (Map.Entry<String, String> entry : config.managedSources().entrySet()) {
            keys.add(new ManagedKey(entry.getKey(), entry.getValue()));
        }
        keys.sort((a, b) -> a.key().compareTo(b.key()));
        return List.copyOf(keys);
    }
}

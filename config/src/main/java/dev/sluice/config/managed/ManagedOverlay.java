package dev.sluice.config.managed;

import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniEntry;
import dev.sluice.config.ini.IniSection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies an overlay document to the user's document, key by key: for {@code [Interface]} and
 * {@code [Split]}, every key the overlay sets replaces all of the user's lines for that key; an
 * overlay {@code [Peer]} is matched to the user's peer with the same PublicKey and overrides its
 * keys the same way, or is added when no user peer has that key. Other sections are appended (and
 * reported by the binder if unknown).
 */
public final class ManagedOverlay {
    private ManagedOverlay() {}

    public static void apply(IniDocument user, IniDocument overlay) {
        for (IniSection section : overlay.sections()) {
            IniSection target = target(user, section);
            if (target == null) {
                user.sections().add(section);
                continue;
            }
            Set<String> keys = new LinkedHashSet<>();
            for (IniEntry entry : section.entries()) {
                keys.add(entry.normalizedKey());
            }
            for (String key : keys) {
                target.replace(key, section.entries(key));
            }
        }
        user.orphans().addAll(overlay.orphans());
    }

    private static IniSection target(IniDocument user, IniSection section) {
        String name = section.normalizedName();
        if (name.equals("interface") || name.equals("split")) {
            List<IniSection> existing = user.sections(section.name());
            if (existing.isEmpty()) {
                IniSection created = new IniSection(section.name(), section.file(), section.line());
                user.sections().add(created);
                return created;
            }
            return existing.get(0);
        }
        if (name.equals("peer")) {
            String key = publicKey(section);
            if (key == null) {
                return null;
            }
            for (IniSection peer : user.sections("Peer")) {
                if (key.equals(publicKey(peer))) {
                    return peer;
                }
            }
        }
        return null;
    }

    private static String publicKey(IniSection peer) {
        List<IniEntry> keys = peer.entries("PublicKey");
        return keys.isEmpty() ? null : keys.get(keys.size() - 1).value().strip();
    }
}

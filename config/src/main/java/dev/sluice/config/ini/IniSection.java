package dev.sluice.config.ini;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A {@code [Name]} section and its entries, in order. */
public final class IniSection {
    private final String name;
    private final String file;
    private final int line;
    private final List<IniEntry> entries = new ArrayList<>();

    public IniSection(String name, String file, int line) {
        this.name = name;
        this.file = file;
        this.line = line;
    }

    public String name() {
        return name;
    }

    /** The section name in lower case. */
    public String normalizedName() {
        return name.toLowerCase(Locale.ROOT);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public List<IniEntry> entries() {
        return entries;
    }

    /** Entries whose key equals {@code key} (case-insensitive). */
    public List<IniEntry> entries(String key) {
        String wanted = key.toLowerCase(Locale.ROOT);
        return entries.stream().filter(e -> e.normalizedKey().equals(wanted)).toList();
    }

    /** Replaces every entry of the key with {@code replacement} (key-by-key overlay). */
    public void replace(String key, List<IniEntry> replacement) {
        String wanted = key.toLowerCase(Locale.ROOT);
        entries.removeIf(e -> e.normalizedKey().equals(wanted));
        entries.addAll(replacement);
    }
}

package dev.sluice.config.ini;

import java.util.Locale;

/**
 * One {@code Key = Value} line.
 *
 * @param key the key as written
 * @param value the value, comments and surrounding blanks removed
 * @param file where it was written
 * @param line 1-based line in that file
 */
public record IniEntry(String key, String value, String file, int line) {
    /** The key in lower case: keys are case-insensitive. */
    public String normalizedKey() {
        return key.toLowerCase(Locale.ROOT);
    }
}

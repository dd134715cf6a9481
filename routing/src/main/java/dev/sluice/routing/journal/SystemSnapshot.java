package dev.sluice.routing.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the system looked like in the parts Sluice may touch, as sections of text items: {@code
 * rules ipv4}, {@code routes ipv6}, {@code nftables} (one item per table), {@code sysctls} ({@code
 * key=value}). Items are compared as text, so a reader must print them stably (sorted, no counters
 * or timers).
 *
 * <p>Stored as {@code [section]} headers followed by one item per line, multi-line items with their
 * newlines escaped; written durably before the first change of a connection ({@link #write}).
 */
public record SystemSnapshot(Map<String, List<String>> sections) {
    public static final String FILE_NAME = "snapshot";

    public SystemSnapshot {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        sections.forEach((name, items) -> copy.put(name, List.copyOf(items)));
        sections = java.util.Collections.unmodifiableMap(copy);
    }

    public List<String> section(String name) {
        return sections.getOrDefault(name, List.of());
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        sections.forEach(
                (name, items) -> {
                    text.append('[').append(name).append("]\n");
                    for (String item : items) {
                        text.append(item.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
                    }
                });
        return text.toString();
    }

    public static SystemSnapshot parse(String text) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("[") && line.endsWith("]")) {
                current = new ArrayList<>();
                sections.put(line.substring(1, line.length() - 1), current);
            } else if (current != null && !line.isEmpty()) {
                current.add(unescape(line));
            }
        }
        return new SystemSnapshot(sections);
    }

    private static String unescape(String line) {
        StringBuilder out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Writes to {@code directory}/snapshot, fsync'd. */
    public void write(Path directory) throws IOException {
        StateFiles.writeDurably(directory.resolve(FILE_NAME), toText());
    }

    /** Reads {@code directory}/snapshot, or null when there is none. */
    public static SystemSnapshot read(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }
}

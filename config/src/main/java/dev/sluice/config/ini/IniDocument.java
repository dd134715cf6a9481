package dev.sluice.config.ini;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed file: its sections in order, plus entries written before any section header (an error
 * the binder reports).
 */
public final class IniDocument {
    private final String file;
    private final List<IniSection> sections = new ArrayList<>();
    private final List<IniEntry> orphans = new ArrayList<>();

    public IniDocument(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    public List<IniSection> sections() {
        return sections;
    }

    /** Sections named {@code name} (case-insensitive), in order. */
    public List<IniSection> sections(String name) {
        return sections.stream().filter(s -> s.name().equalsIgnoreCase(name)).toList();
    }

    public List<IniEntry> orphans() {
        return orphans;
    }
}

package dev.sluice.config;

import dev.sluice.config.ini.IniEntry;
import dev.sluice.routing.IpPrefix;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads prefix list values: comma-separated prefixes, where an item {@code @path} names a
 * prefix-list file (one prefix per line, {@code #} comments, path relative to the file that names
 * it). Problems name the file and line of the bad prefix.
 */
final class PrefixListReader {
    /** Largest prefix-list file read (a 100k-line list is about 2 MB). */
    static final long MAX_LIST_BYTES = 64L * 1024 * 1024;

    private PrefixListReader() {}

    static List<IpPrefix> read(IniEntry entry, Problems problems) {
        List<IpPrefix> prefixes = new ArrayList<>();
        for (String item : ConfigValues.items(entry.value())) {
            if (item.startsWith("@")) {
                readFile(entry, item.substring(1).strip(), prefixes, problems);
            } else {
                parseInto(item, entry.file(), entry.line(), entry.key(), prefixes, problems);
            }
        }
        return prefixes;
    }

    private static void readFile(
            IniEntry entry, String name, List<IpPrefix> prefixes, Problems problems) {
        if (name.isEmpty()) {
            problems.error(entry.file(), entry.line(), entry.key() + ": '@' needs a file name");
            return;
        }
        Path base = Path.of(entry.file()).toAbsolutePath().getParent();
        Path path = base == null ? Path.of(name) : base.resolve(name);
        List<String> lines;
        try {
            if (Files.size(path) > MAX_LIST_BYTES) {
                problems.error(
                        entry.file(),
                        entry.line(),
                        entry.key() + ": prefix list " + path + " is larger than 64 MiB");
                return;
            }
            lines = Files.readAllLines(path);
        } catch (NoSuchFileException e) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    entry.key() + ": prefix list " + path + " does not exist");
            return;
        } catch (MalformedInputException e) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    entry.key() + ": prefix list " + path + " is not UTF-8 text");
            return;
        } catch (IOException e) {
            problems.error(
                    entry.file(),
                    entry.line(),
                    entry.key() + ": cannot read prefix list " + path + ": " + e.getMessage());
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!text.isEmpty()) {
                parseInto(text, path.toString(), i + 1, entry.key(), prefixes, problems);
            }
        }
    }

    private static void parseInto(
            String text,
            String file,
            int line,
            String key,
            List<IpPrefix> into,
            Problems problems) {
        try {
            into.add(ConfigRules.prefix(key, text));
        } catch (InvalidValueException e) {
            problems.error(file, line, e.getMessage());
        }
    }
}

package dev.sluice.daemon.platform.darwin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory dynamic store behind scutil sessions: it runs the commands Sluice sends ({@code
 * d.init}, {@code d.add}, {@code add … temporary}, {@code show}, {@code remove}) and prints what
 * scutil prints for them. A key added {@code temporary} belongs to its session and goes when the
 * session closes, as configd removes a closed session's temporary keys.
 */
public final class FakeScutil implements ScutilSession.Launcher {
    private final Map<String, Map<String, List<String>>> store = new LinkedHashMap<>();
    private final Map<String, Session> owners = new LinkedHashMap<>();
    private final List<String> commands = new ArrayList<>();

    /** A key some other service put there (the system's global DNS). */
    public synchronized FakeScutil withKey(String key, String array, String... values) {
        store.put(key, new LinkedHashMap<>(Map.of(array, List.of(values))));
        return this;
    }

    public synchronized boolean has(String key) {
        return store.containsKey(key);
    }

    /** Every command line run so far. */
    public synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    @Override
    public ScutilSession start() {
        return new Session();
    }

    private final class Session implements ScutilSession {
        private Map<String, List<String>> dictionary;
        private boolean closed;

        @Override
        public String run(String script, long timeoutMs) throws java.io.IOException {
            synchronized (FakeScutil.this) {
                if (closed) {
                    throw new java.io.IOException("scutil exited");
                }
                StringBuilder output = new StringBuilder();
                for (String line : script.split("\n")) {
                    commands.add(line);
                    List<String> words = words(line);
                    switch (words.get(0)) {
                        case "d.init" -> dictionary = new LinkedHashMap<>();
                        case "d.add" -> {
                            List<String> values = new ArrayList<>(words.subList(2, words.size()));
                            values.remove("*");
                            dictionary.put(words.get(1), values);
                        }
                        case "add" -> {
                            store.put(words.get(1), dictionary);
                            if (words.contains("temporary")) {
                                owners.put(words.get(1), this);
                            }
                        }
                        case "remove" -> {
                            store.remove(words.get(1));
                            owners.remove(words.get(1));
                        }
                        case "show" -> output.append(show(store.get(words.get(1))));
                        default -> output.append("  Unknown command\n");
                    }
                }
                return output.toString();
            }
        }

        @Override
        public void close() {
            synchronized (FakeScutil.this) {
                closed = true;
                owners.entrySet()
                        .removeIf(
                                entry -> {
                                    if (entry.getValue() == this) {
                                        store.remove(entry.getKey());
                                        return true;
                                    }
                                    return false;
                                });
            }
        }
    }

    private static String show(Map<String, List<String>> dictionary) {
        if (dictionary == null) {
            return "  No such key\n";
        }
        StringBuilder text = new StringBuilder("<dictionary> {\n");
        dictionary.forEach(
                (name, values) -> {
                    text.append("  ").append(name).append(" : <array> {\n");
                    for (int i = 0; i < values.size(); i++) {
                        text.append("    ")
                                .append(i)
                                .append(" : ")
                                .append(values.get(i))
                                .append('\n');
                    }
                    text.append("  }\n");
                });
        return text.append("}\n").toString();
    }

    /** scutil's words: blanks separate them, {@code ""} is an empty one. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.strip().split("\\s+")) {
            words.add(word.equals("\"\"") ? "" : word);
        }
        return words;
    }
}

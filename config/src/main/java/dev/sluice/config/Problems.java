package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/** Collects problems while a configuration is read, so that all of them are reported at once. */
final class Problems {
    private final List<Problem> all = new ArrayList<>();

    void error(String file, int line, String message) {
        all.add(Problem.error(file, line, message));
    }

    void warning(String file, int line, String message) {
        all.add(Problem.warning(file, line, message));
    }

    boolean hasErrors() {
        return all.stream().anyMatch(Problem::isError);
    }

    List<Problem> list() {
        return List.copyOf(all);
    }
}

package dev.sluice.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used; {@link #problems()} lists every problem found. */
public final class ConfigException extends Exception {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(
                problems.stream()
                        .filter(Problem::isError)
                        .map(Problem::toString)
                        .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}

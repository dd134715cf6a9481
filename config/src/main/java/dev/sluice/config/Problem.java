package dev.sluice.config;

/**
 * One thing wrong with a configuration, where it is and how bad.
 *
 * @param file the file at fault (a config, a prefix list, a managed overlay)
 * @param line 1-based line, or 0 when the problem concerns the whole file
 * @param severity errors make the configuration unusable; warnings do not
 * @param message one sentence naming the key and value at fault
 */
public record Problem(String file, int line, Severity severity, String message) {
    public enum Severity {
        ERROR,
        WARNING
    }

    public static Problem error(String file, int line, String message) {
        return new Problem(file, line, Severity.ERROR, message);
    }

    public static Problem warning(String file, int line, String message) {
        return new Problem(file, line, Severity.WARNING, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line: message}, with {@code warning: } before warnings' messages. */
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return where + ": " + (isError() ? "" : "warning: ") + message;
    }
}

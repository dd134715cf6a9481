package dev.sluice.config.ini;

import java.util.List;

/**
 * Reads the line format. Rules (a superset of what wg-quick accepts):
 *
 * <ul>
 *   <li>{@code #} or {@code ;} starts a comment anywhere on a line; blank lines are ignored;
 *   <li>{@code [Name]} starts a section; any amount of blank around name and brackets;
 *   <li>{@code Key = Value}: blanks around both are trimmed; the value may be empty;
 *   <li>a NUL byte, a line longer than 64 KiB, or a line that is neither of the above is a syntax
 *       error; parsing goes on with the next line so that every error is reported.
 * </ul>
 */
public final class IniParser {
    /** Longest line accepted (a long AllowedIPs list fits; a binary file does not). */
    public static final int MAX_LINE_LENGTH = 65_536;

    private IniParser() {}

    /** Parses {@code text} (the content of {@code file}); syntax errors go to {@code errors}. */
    public static IniDocument parse(String file, String text, List<IniSyntaxError> errors) {
        IniDocument document = new IniDocument(file);
        IniSection current = null;
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String raw = lines[i];
            if (raw.length() > MAX_LINE_LENGTH) {
                errors.add(new IniSyntaxError(lineNumber, "line is longer than 64 KiB"));
                continue;
            }
            if (raw.indexOf('\0') >= 0) {
                errors.add(
                        new IniSyntaxError(lineNumber, "line contains a NUL byte (binary file?)"));
                continue;
            }
            String line = stripComment(raw).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    errors.add(
                            new IniSyntaxError(
                                    lineNumber,
                                    "section header '" + line + "' is not of the form [Name]"));
                    continue;
                }
                String name = line.substring(1, line.length() - 1).strip();
                if (name.isEmpty()) {
                    errors.add(new IniSyntaxError(lineNumber, "section header has no name"));
                    continue;
                }
                current = new IniSection(name, file, lineNumber);
                document.sections().add(current);
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                errors.add(
                        new IniSyntaxError(
                                lineNumber,
                                "'"
                                        + abbreviate(line)
                                        + "' is not a 'Key = Value' line or a [Section]"));
                continue;
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (key.isEmpty() || !key.chars().allMatch(IniParser::isKeyChar)) {
                errors.add(
                        new IniSyntaxError(
                                lineNumber, "'" + abbreviate(key) + "' is not a valid key name"));
                continue;
            }
            IniEntry entry = new IniEntry(key, value, file, lineNumber);
            if (current == null) {
                document.orphans().add(entry);
            } else {
                current.entries().add(entry);
            }
        }
        return document;
    }

    private static boolean isKeyChar(int c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '#' || c == ';') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}

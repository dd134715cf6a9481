package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small value parsers shared by the binder; each returns null on bad input. */
final class ConfigValues {
    private ConfigValues() {}

    /** Comma-separated items, trimmed, empty ones dropped. */
    static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            String trimmed = item.strip();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return items;
    }

    /** Decimal or 0x-hex, within [min, max]; null otherwise. */
    static Long number(String value, long min, long max) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            long parsed =
                    text.startsWith("0x")
                            ? Long.parseLong(text.substring(2), 16)
                            : Long.parseLong(text);
            return parsed < min || parsed > max ? null : parsed;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** true/false, yes/no, on/off, 1/0; null otherwise. */
    static Boolean bool(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** The enum constant named (case-insensitively) by {@code value}, or null. */
    static <E extends Enum<E>> E choice(String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.strip())) {
                return constant;
            }
        }
        return null;
    }

    static <E extends Enum<E>> String choices(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        return String.join(" or ", names);
    }

    /** A duration: plain seconds, or a number with s, m, h suffix; null otherwise. */
    static java.time.Duration duration(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        long factor = 1;
        if (text.endsWith("s")) {
            text = text.substring(0, text.length() - 1);
        } else if (text.endsWith("m")) {
            factor = 60;
            text = text.substring(0, text.length() - 1);
        } else if (text.endsWith("h")) {
            factor = 3600;
            text = text.substring(0, text.length() - 1);
        }
        Long seconds = number(text, 0, 365L * 24 * 3600);
        return seconds == null ? null : java.time.Duration.ofSeconds(seconds * factor);
    }
}

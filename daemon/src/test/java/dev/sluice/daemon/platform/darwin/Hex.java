package dev.sluice.daemon.platform.darwin;

import java.util.HexFormat;

/** Golden bytes written field by field: each argument is one field in hex, blanks ignored. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String... fields) {
        StringBuilder all = new StringBuilder();
        for (String field : fields) {
            all.append(field.replace(" ", ""));
        }
        return HexFormat.of().parseHex(all.toString());
    }

    /** {@code count} zero bytes, as hex. */
    static String zeros(int count) {
        return "00".repeat(count);
    }

    static String text(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}

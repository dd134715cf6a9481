package dev.sluice.daemon.bugreport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The secret keys a report must never contain, and the scrub that guarantees it: every occurrence
 * of a key in any encoding a tool might print it in (raw bytes, base64 with and without padding,
 * URL-safe base64, hex in either case) is replaced by {@value #REDACTED}. Applied to every entry of
 * the archive, whatever it came from, as the last step before writing.
 */
final class Secrets {
    static final String REDACTED = "(redacted)";
    private static final byte[] REDACTED_BYTES = REDACTED.getBytes(StandardCharsets.US_ASCII);

    private final List<byte[]> forms = new ArrayList<>();

    /** Adds a 32-byte key (private or preshared); other lengths are not keys and are ignored. */
    void add(byte[] key) {
        if (key == null || key.length != 32) {
            return;
        }
        for (byte[] known : forms) {
            if (Arrays.equals(known, key)) {
                return;
            }
        }
        forms.add(key.clone());
        forms.addAll(encodings(key));
    }

    /** Every text form of {@code key} that the scrub looks for. */
    static List<byte[]> encodings(byte[] key) {
        List<String> texts =
                List.of(
                        Base64.getEncoder().encodeToString(key),
                        Base64.getEncoder().withoutPadding().encodeToString(key),
                        Base64.getUrlEncoder().encodeToString(key),
                        Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                        HexFormat.of().formatHex(key),
                        HexFormat.of().withUpperCase().formatHex(key));
        List<byte[]> encoded = new ArrayList<>();
        for (String text : texts) {
            encoded.add(text.getBytes(StandardCharsets.US_ASCII));
        }
        return encoded;
    }

    /** True when no secret is known (nothing to scrub). */
    boolean isEmpty() {
        return forms.isEmpty();
    }

    /** {@code content} with every form of every known secret replaced; longest forms first. */
    byte[] scrub(byte[] content) {
        byte[] result = content;
        List<byte[]> longestFirst = new ArrayList<>(forms);
        longestFirst.sort((a, b) -> Integer.compare(b.length, a.length));
        for (byte[] form : longestFirst) {
            result = replaceAll(result, form);
        }
        return result;
    }

    private static byte[] replaceAll(byte[] content, byte[] form) {
        int at = indexOf(content, form, 0);
        if (at < 0) {
            return content;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(content.length);
        int from = 0;
        while (at >= 0) {
            out.write(content, from, at - from);
            out.write(REDACTED_BYTES, 0, REDACTED_BYTES.length);
            from = at + form.length;
            at = indexOf(content, form, from);
        }
        out.write(content, from, content.length - from);
        return out.toByteArray();
    }

    static int indexOf(byte[] content, byte[] form, int from) {
        outer:
        for (int i = from; i <= content.length - form.length; i++) {
            for (int j = 0; j < form.length; j++) {
                if (content[i + j] != form[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

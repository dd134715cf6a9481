package dev.sluice.daemon.bugreport;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Problem;
import dev.sluice.config.ini.IniDocument;
import dev.sluice.config.ini.IniEntry;
import dev.sluice.config.ini.IniSection;
import dev.sluice.crypto.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A configuration document as text for a report, with every secret redacted and remembered in
 * {@link Secrets}: {@code PrivateKey} shows as its public half, {@code PresharedKey} and any other
 * value that is a 32-byte base64 key (a misspelt key name, a key where none belongs) as {@value
 * Secrets#REDACTED}; only {@code PublicKey} values are shown. A {@code PrivateKeyFile} is shown as
 * its path, and the key it holds is remembered so that the scrub catches it elsewhere. Each line
 * says which file and line it came from.
 */
final class RedactedConfig {
    private RedactedConfig() {}

    /**
     * The effective configuration (the user's file with the managed overlays applied) as text; its
     * problems (syntax, unreadable files) follow as comments.
     */
    static String render(Path config, List<Path> managed, Secrets secrets) {
        ConfigLoader.Effective effective = ConfigLoader.effective(config, managed);
        StringBuilder text = new StringBuilder();
        text.append("# effective configuration: ")
                .append(config)
                .append(managed.isEmpty() ? "" : " with managed overlays " + managed)
                .append(" applied\n# secrets are redacted; each line says where it came from\n");
        if (effective.document() != null) {
            render(effective.document(), secrets, text);
        }
        for (Problem problem : effective.problems()) {
            text.append("# problem: ").append(problem).append('\n');
        }
        return text.toString();
    }

    /** One managed overlay (or any configuration file) on its own, redacted. */
    static String renderFile(Path file, Secrets secrets) {
        return render(file, List.of(), secrets);
    }

    private static void render(IniDocument document, Secrets secrets, StringBuilder text) {
        for (IniEntry orphan : document.orphans()) {
            line(orphan, secrets, text);
        }
        for (IniSection section : document.sections()) {
            text.append('\n').append('[').append(section.name()).append("]\n");
            for (IniEntry entry : section.entries()) {
                line(entry, secrets, text);
            }
        }
    }

    private static void line(IniEntry entry, Secrets secrets, StringBuilder text) {
        text.append(entry.key())
                .append(" = ")
                .append(shown(entry, secrets))
                .append("   # ")
                .append(entry.file())
                .append(':')
                .append(entry.line())
                .append('\n');
    }

    /** What a report shows for {@code entry}'s value; secrets go to {@code secrets}. */
    static String shown(IniEntry entry, Secrets secrets) {
        String key = entry.normalizedKey();
        String value = entry.value().strip();
        if (key.equals("publickey")) {
            return value;
        }
        if (key.equals("privatekey")) {
            byte[] bytes = key32(value);
            if (bytes == null) {
                return Secrets.REDACTED + " (not a valid key)";
            }
            secrets.add(bytes);
            return Secrets.REDACTED + "; its public key is " + publicHalf(bytes);
        }
        if (key.equals("privatekeyfile")) {
            return value + fileKeyNote(Path.of(value), secrets);
        }
        if (key.equals("presharedkey")) {
            secrets.add(key32(value));
            return Secrets.REDACTED;
        }
        byte[] bytes = key32(value);
        if (bytes != null || key.contains("privatekey") || key.contains("presharedkey")) {
            secrets.add(bytes);
            return Secrets.REDACTED;
        }
        return value;
    }

    private static String fileKeyNote(Path file, Secrets secrets) {
        try {
            byte[] bytes = key32(Files.readString(file, StandardCharsets.UTF_8).strip());
            if (bytes == null) {
                return "   (does not hold a valid key)";
            }
            secrets.add(bytes);
            return "   (holds the private key of public key " + publicHalf(bytes) + ")";
        } catch (IOException | RuntimeException e) {
            return "   (unreadable here: " + e.getMessage() + ")";
        }
    }

    /** The 32 bytes a base64 text encodes, or null when it is not a 32-byte key. */
    static byte[] key32(String text) {
        if (text.length() < 43 || text.length() > 44) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return bytes.length == 32 ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String publicHalf(byte[] privateKey) {
        PrivateKey key = new PrivateKey(privateKey);
        try {
            return key.publicKey().toBase64();
        } finally {
            key.destroy();
        }
    }
}

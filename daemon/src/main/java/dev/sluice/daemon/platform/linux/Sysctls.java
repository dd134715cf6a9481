package dev.sluice.daemon.platform.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Kernel parameters under {@code /proc/sys}: {@code net.ipv4.ip_forward} is {@code
 * net/ipv4/ip_forward}.
 */
public final class Sysctls {
    private static final Path ROOT = Path.of("/proc/sys");

    private Sysctls() {}

    /** The file of a dotted key (interface names in keys keep their dots? not supported). */
    static Path path(String key) {
        return ROOT.resolve(key.replace('.', '/'));
    }

    public static String read(String key) throws IOException {
        try {
            return Files.readString(path(key), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("sysctl " + key + " does not exist (" + path(key) + ")", e);
        }
    }

    /** Writes in place (no rename: /proc files cannot be replaced). */
    public static void write(String key, String value) throws IOException {
        try {
            Files.writeString(
                    path(key), value + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new IOException("sysctl " + key + " does not exist (" + path(key) + ")", e);
        } catch (IOException e) {
            throw new IOException(
                    "cannot set sysctl " + key + "=" + value + ": " + e.getMessage(), e);
        }
    }
}

package dev.sluice.daemon.platform.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Kernel parameters under {@code /proc/sys}: {@code net.ipv4.ip_forward} is {@code
 * net/ipv4/ip_forward}.
 */
public final class Sysctls {
    private static final Path ROOT = Path.of("/proc/sys");

    private Sysctls() {}

    /**
     * The file of a dotted key. As with sysctl(8), a dot inside an interface name is written as a
     * slash in the key ({@code net.ipv6.conf.eth0/100.accept_ra} for VLAN {@code eth0.100}).
     */
    static Path path(String key) {
        StringBuilder relative = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            relative.append(c == '.' ? '/' : c == '/' ? '.' : c);
        }
        return ROOT.resolve(relative.toString());
    }

    public static String read(String key) throws IOException {
        try {
            return Files.readString(path(key), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("sysctl " + key + " does not exist (" + path(key) + ")", e);
        }
    }

    /** Whether the kernel has {@code key} (features differ between kernel versions). */
    public static boolean exists(String key) {
        return Files.exists(path(key));
    }

    /**
     * The interfaces with their own settings under {@code prefix} (e.g. {@code net.ipv6.conf}),
     * without {@code all} and {@code default}, whose {@code setting} holds {@code value}.
     */
    public static List<String> interfacesWith(String prefix, String setting, String value)
            throws IOException {
        List<String> matching = new ArrayList<>();
        try (Stream<Path> links = Files.list(path(prefix))) {
            for (Path link : links.sorted().toList()) {
                String name = link.getFileName().toString().replace('.', '/');
                if (name.equals("all") || name.equals("default")) {
                    continue;
                }
                try {
                    String current =
                            Files.readString(link.resolve(setting), StandardCharsets.US_ASCII)
                                    .strip();
                    if (current.equals(value)) {
                        matching.add(name);
                    }
                } catch (NoSuchFileException e) {
                    // the interface went away meanwhile
                }
            }
        }
        return matching;
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

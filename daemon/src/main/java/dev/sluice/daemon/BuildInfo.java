package dev.sluice.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts fixed at build time (version), read once from {@code build.properties}. */
public final class BuildInfo {
    private static final String VERSION = load().getProperty("version", "unknown");

    private BuildInfo() {}

    /** The Sluice release, e.g. {@code 0.1.0}. */
    public static String version() {
        return VERSION;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build.properties", e);
        }
        return properties;
    }
}

package dev.sluice.daemon.platform;

import dev.sluice.daemon.platform.darwin.DarwinPlatform;
import dev.sluice.daemon.platform.linux.LinuxPlatform;
import java.util.Locale;

/**
 * Picks the platform, once per process, from {@code os.name}: macOS gets {@link DarwinPlatform},
 * everything else {@link LinuxPlatform}. Only the CLI's entry points ask (checked by ArchUnit);
 * they hand the answer on.
 */
public final class Platforms {
    private static final Platform CURRENT = forOsName(System.getProperty("os.name", ""));

    private Platforms() {}

    /** The platform of this process. */
    public static Platform current() {
        return CURRENT;
    }

    /** Whether {@code osName} ({@code os.name}) is macOS. */
    public static boolean isDarwin(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        return name.contains("mac") || name.contains("darwin");
    }

    static Platform forOsName(String osName) {
        return isDarwin(osName) ? new DarwinPlatform() : new LinuxPlatform();
    }
}

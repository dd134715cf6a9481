package dev.sluice.daemon.logging;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Configures the JDK logging behind {@link System.Logger}: one line per event on stderr. Libraries
 * log at INFO and above; {@code --verbose} lowers only Sluice's own loggers to FINE.
 */
public final class Logs {
    /** Held strongly: JUL keeps loggers weakly, and a collected logger forgets its level. */
    private static final Logger SLUICE = Logger.getLogger("dev.sluice");

    private Logs() {}

    public static void configure(boolean verbose) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler stderr = new ConsoleHandler();
        stderr.setFormatter(new OneLineFormatter(verbose));
        stderr.setLevel(verbose ? Level.FINE : Level.INFO);
        root.addHandler(stderr);
        root.setLevel(Level.INFO);
        SLUICE.setLevel(verbose ? Level.FINE : Level.INFO);
    }
}

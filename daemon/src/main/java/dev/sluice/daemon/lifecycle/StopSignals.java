package dev.sluice.daemon.lifecycle;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGINT, SIGTERM and SIGHUP turned into a latch the main thread waits on, so that cleanup runs on
 * an ordinary thread while logging still works, rather than in a JVM shutdown hook (where the JDK's
 * log manager is being reset concurrently and cleanup messages get lost).
 *
 * <p>Only the first signal counts; later ones are logged and ignored while cleanup runs, so an
 * impatient second Ctrl-C cannot interrupt the undoing of routes. SIGKILL cannot be caught; the
 * journal and {@code sluice recover} handle it.
 */
public final class StopSignals {
    private static final Logger LOG = System.getLogger(StopSignals.class.getName());
    private static final String[] NAMES = {"INT", "TERM", "HUP"};

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String received;

    private StopSignals() {}

    /** Installs the handlers; call once, before the work whose end they signal. */
    public static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : NAMES) {
            Signal.handle(new Signal(name), signal -> signals.onSignal("SIG" + signal.getName()));
        }
        return signals;
    }

    private void onSignal(String name) {
        if (received == null) {
            received = name;
            LOG.log(Level.INFO, "stopping: " + name);
            stopped.countDown();
        } else {
            LOG.log(Level.INFO, name + " ignored: already stopping after " + received);
        }
    }

    /** Blocks until a stop signal arrives; returns its name (e.g. {@code SIGTERM}). */
    public String await() throws InterruptedException {
        stopped.await();
        return received;
    }

    /** Waits at most {@code timeoutMs}; true when a stop signal arrived. */
    public boolean await(long timeoutMs) throws InterruptedException {
        return stopped.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Whether a stop signal has arrived. */
    public boolean received() {
        return received != null;
    }
}

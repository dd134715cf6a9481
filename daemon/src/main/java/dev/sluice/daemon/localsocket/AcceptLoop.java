package dev.sluice.daemon.localsocket;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;

/**
 * Accepts connections on one listening socket and serves each on its own virtual thread, within
 * {@link LocalSocketLimits}:
 *
 * <ul>
 *   <li>at most {@code maxConnections} served at once; a further one gets {@code busyReply} (when
 *       not empty, written without waiting) and is closed at once;
 *   <li>when accept fails (EMFILE, ENFILE, ENOBUFS: the process or system is out of something), the
 *       loop pauses 10 ms, doubling up to 1 s while failures go on, instead of spinning on a
 *       listening socket that stays readable; the first failure of a run is logged as a warning,
 *       the end of the run once;
 *   <li>every connection gets a {@link Deadline} on a shared timer thread.
 * </ul>
 *
 * <p>Runs on one platform thread named after the socket; {@link #close()} stops it (with the
 * listening socket, which its owner closes) and the timer.
 */
public final class AcceptLoop implements AutoCloseable {
    static final long FIRST_PAUSE_MS = 10;
    static final long LONGEST_PAUSE_MS = 1_000;
    private static final Logger LOG = System.getLogger(AcceptLoop.class.getName());

    /** Serves one accepted connection; returns when done (the loop closes the channel). */
    @FunctionalInterface
    public interface Session {
        void serve(SocketChannel client, Deadline deadline) throws IOException;
    }

    /** Where connections come from ({@link ServerSocketChannel#accept()}; scripted in tests). */
    @FunctionalInterface
    interface Acceptor {
        SocketChannel accept() throws IOException;
    }

    /** How the loop waits after a failed accept ({@link Thread#sleep(long)}; recorded in tests). */
    @FunctionalInterface
    interface Pause {
        void pauseMs(long ms) throws InterruptedException;
    }

    private final String name;
    private final Acceptor acceptor;
    private final LocalSocketLimits limits;
    private final byte[] busyReply;
    private final Session session;
    private final Pause pause;
    private final Semaphore slots;
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean running = true;

    AcceptLoop(
            String name,
            Acceptor acceptor,
            LocalSocketLimits limits,
            byte[] busyReply,
            Session session,
            Pause pause) {
        this.name = name;
        this.acceptor = acceptor;
        this.limits = limits;
        this.busyReply = busyReply.clone();
        this.session = session;
        this.pause = pause;
        this.slots = new Semaphore(limits.maxConnections());
        this.timer =
                new ScheduledThreadPoolExecutor(
                        1,
                        runnable -> {
                            Thread thread = new Thread(runnable, name + "-deadlines");
                            thread.setDaemon(true);
                            return thread;
                        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts accepting on {@code server} (blocking mode).
     *
     * @param name names the threads and log lines ("control socket /run/sluice/sluice.sock")
     * @param busyReply what a connection over the cap is told before it is closed (may be empty)
     */
    public static AcceptLoop start(
            String name,
            ServerSocketChannel server,
            LocalSocketLimits limits,
            byte[] busyReply,
            Session session) {
        AcceptLoop loop =
                new AcceptLoop(name, server::accept, limits, busyReply, session, Thread::sleep);
        Thread.ofPlatform().daemon().name(name + "-accept").start(loop::run);
        return loop;
    }

    /** Accepts until the listening socket is closed (or {@link #close()}). */
    void run() {
        long pauseMs = 0;
        int failures = 0;
        while (running) {
            SocketChannel client;
            try {
                client = acceptor.accept();
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                if (failures++ == 0) {
                    LOG.log(
                            Level.WARNING,
                            name
                                    + ": accept failed ("
                                    + e.getMessage()
                                    + "); retrying with pauses up to "
                                    + LONGEST_PAUSE_MS
                                    + " ms");
                }
                pauseMs = pauseMs == 0 ? FIRST_PAUSE_MS : Math.min(2 * pauseMs, LONGEST_PAUSE_MS);
                try {
                    pause.pauseMs(pauseMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            if (failures > 0) {
                LOG.log(Level.INFO, name + ": accepting again after " + failures + " failures");
                failures = 0;
                pauseMs = 0;
            }
            dispatch(client);
        }
    }

    private void dispatch(SocketChannel client) {
        if (!slots.tryAcquire()) {
            refuse(client);
            return;
        }
        try {
            Thread.ofVirtual().name(name + "-client").start(() -> serve(client));
        } catch (RuntimeException | OutOfMemoryError e) {
            slots.release();
            closeQuietly(client);
            LOG.log(Level.WARNING, name + ": cannot serve a client: " + e);
        }
    }

    private void serve(SocketChannel client) {
        Deadline deadline = new Deadline(client, timer);
        try (client) {
            session.serve(client, deadline);
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.DEBUG,
                    name
                            + " client: "
                            + (deadline.expired() ? "timed out" : String.valueOf(e.getMessage())));
        } finally {
            deadline.disarm();
            slots.release();
        }
    }

    private void refuse(SocketChannel client) {
        LOG.log(
                Level.DEBUG,
                name + ": " + limits.maxConnections() + " connections open, closing a new one");
        try (client) {
            if (busyReply.length > 0) {
                client.configureBlocking(false);
                client.write(ByteBuffer.wrap(busyReply));
            }
        } catch (IOException e) {
            // It is being turned away; whatever it did meanwhile does not matter.
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // Nothing more to do for it.
        }
    }

    /** Connections being served now. */
    int connections() {
        return limits.maxConnections() - slots.availablePermits();
    }

    /** Stops accepting and the deadline timer; the owner closes the listening socket. */
    @Override
    public void close() {
        running = false;
        timer.shutdownNow();
    }
}

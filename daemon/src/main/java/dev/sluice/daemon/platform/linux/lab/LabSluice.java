package dev.sluice.daemon.platform.linux.lab;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice up --config F} of a distribution ({@code bin/sluice}), running in a lab namespace;
 * its output goes to a log file that reports and test assertions quote.
 */
public final class LabSluice {
    private static final long CONNECT_TIMEOUT_MS = 30_000;

    private final Process process;
    private final Path log;

    private LabSluice(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts Sluice in {@code ns} and waits for its "connected" line. Its state directory is {@link
     * #stateDirectory} of the log's directory and {@code ns}: never the host's.
     */
    public static LabSluice up(LabTopology lab, String ns, Path binary, Path config, Path log)
            throws IOException, InterruptedException {
        LabSluice sluice =
                start(lab, ns, binary, config, log, stateDirectory(log.getParent(), ns), Map.of());
        sluice.awaitConnected();
        return sluice;
    }

    /** The state directory used for a Sluice in {@code ns} with logs in {@code directory}. */
    public static Path stateDirectory(Path directory, String ns) {
        return directory.resolve("state-" + ns);
    }

    /** The control socket of the Sluice whose log is {@code log} (beside it, {@code .sock}). */
    public static Path controlSocket(Path log) {
        String name = log.getFileName().toString();
        return log.resolveSibling(
                (name.endsWith(".log") ? name.substring(0, name.length() - 4) : name) + ".sock");
    }

    /** Starts Sluice in {@code ns} without waiting. */
    public static LabSluice start(
            LabTopology lab,
            String ns,
            Path binary,
            Path config,
            Path log,
            Path stateDirectory,
            Map<String, String> environment)
            throws IOException {
        return start(lab, ns, binary, "up", config, log, stateDirectory, environment);
    }

    /**
     * Starts {@code sluice daemon} (which connects only when told to, or with AutoConnect) in
     * {@code ns}; its control socket is {@link #controlSocket} of the log.
     */
    public static LabSluice startDaemon(
            LabTopology lab, String ns, Path binary, Path config, Path log, Path stateDirectory)
            throws IOException {
        return start(lab, ns, binary, "daemon", config, log, stateDirectory, Map.of());
    }

    /**
     * Waits (10 s at most) until the daemon accepts connections on its control socket (the file
     * alone may be a moment ahead of the listener); fails with the log, also when the daemon exits.
     */
    public void awaitControlSocket() throws IOException, InterruptedException {
        Path socket = controlSocket(log);
        for (int i = 0; i < 200 && process.isAlive(); i++) {
            if (Files.exists(socket) && accepts(socket)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                (process.isAlive() ? "no control socket at " : "exited before serving on ")
                        + socket
                        + ":\n"
                        + log());
    }

    private static boolean accepts(Path socket) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return channel.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static LabSluice start(
            LabTopology lab,
            String ns,
            Path binary,
            String command,
            Path config,
            Path log,
            Path stateDirectory,
            Map<String, String> environment)
            throws IOException {
        Process process =
                lab.start(
                        ns,
                        environment,
                        log,
                        binary.toAbsolutePath().toString(),
                        command,
                        "--config",
                        config.toString(),
                        "--state-dir",
                        stateDirectory.toString(),
                        "--socket",
                        controlSocket(log).toString());
        return new LabSluice(process, log);
    }

    /** Waits for the "connected" line; fails with the log when Sluice exits or takes 30 s. */
    public void awaitConnected() throws IOException, InterruptedException {
        LabSluice sluice = this;
        long deadlineMs = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        while (!sluice.log().contains(" connected: ")) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "sluice up exited "
                                + process.exitValue()
                                + " before connecting:\n"
                                + sluice.log());
            }
            if (System.currentTimeMillis() > deadlineMs) {
                throw new IllegalStateException(
                        "sluice up did not connect in 30 s:\n" + sluice.log());
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL, as the OOM killer or an impatient admin would; returns the exit code. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** Waits for Sluice to exit by itself; returns its exit code. */
    public int awaitExit(long timeoutMs) throws InterruptedException, IOException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "sluice did not exit in " + timeoutMs + " ms:\n" + log());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM and returns the exit code once Sluice has undone everything and exited. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("sluice up did not exit within 20 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** The exit code, or empty while Sluice runs. */
    public java.util.OptionalInt exitCode() {
        return process.isAlive()
                ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(process.exitValue());
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}

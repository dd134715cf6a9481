package dev.sluice.it.dataplane;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice up --config F} from the distribution, running in a lab namespace; its stderr goes
 * to a log file the assertions quote.
 */
public final class SluiceProcess {
    private static final long CONNECT_TIMEOUT_MS = 30_000;

    private final Process process;
    private final Path log;

    private SluiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts Sluice in {@code ns} and waits for its "connected" line. */
    public static SluiceProcess up(LabTopology lab, String ns, Path config, Path log)
            throws IOException, InterruptedException {
        Process process =
                lab.start(
                        ns,
                        Map.of(),
                        log,
                        Launcher.binary().toAbsolutePath().toString(),
                        "up",
                        "--config",
                        config.toString());
        SluiceProcess sluice = new SluiceProcess(process, log);
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
        return sluice;
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

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}

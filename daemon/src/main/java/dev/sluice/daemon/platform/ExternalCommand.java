package dev.sluice.daemon.platform;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool ({@code nft}, {@code resolvectl}, the lab's {@code ip}, macOS's {@code pfctl}) and
 * waits for it with a timeout that fires whatever the child does:
 *
 * <ul>
 *   <li>its output (stdout and stderr together) is drained by a thread of its own while the caller
 *       waits, and its stdin is written by another, so a child that writes more than a pipe holds,
 *       or does not read its input, cannot block anyone;
 *   <li>at the deadline the child and everything it started are killed ({@code SIGKILL}), and the
 *       error names the command and the timeout;
 *   <li>output is kept up to {@link #MAX_OUTPUT_BYTES}; beyond, it is drained and thrown away and
 *       the run fails (a tool whose output is read must not hand over a truncated one).
 * </ul>
 *
 * Without stdin the child reads {@code /dev/null}. Thread-safe; each run uses two short-lived
 * threads at most.
 */
public final class ExternalCommand {
    /** Default deadline for configuration tools. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000;

    /** Output kept at most (stdout and stderr together). */
    static final int MAX_OUTPUT_BYTES = 16 << 20;

    /** How long, after the child is gone, its output may take to reach end of file. */
    private static final long DRAIN_GRACE_MS = 1_000;

    private ExternalCommand() {}

    /**
     * How a command that finished in time ended.
     *
     * @param exitCode its exit status
     * @param output stdout and stderr, interleaved as written, as UTF-8
     */
    public record Result(int exitCode, String output) {}

    /**
     * Runs {@code command} and returns its output; a non-zero exit status is an error.
     *
     * @param stdin written to the child's standard input, or null for none
     * @param what what the command is for, first in error messages (an operation, a step)
     * @throws IOException "{what}: {tool} exited {status}: {output}", or as {@link #run}
     */
    public static String check(List<String> command, String stdin, long timeoutMs, String what)
            throws IOException {
        Result result = run(command, stdin, timeoutMs, what);
        if (result.exitCode() != 0) {
            throw new IOException(
                    what
                            + ": "
                            + command.get(0)
                            + " exited "
                            + result.exitCode()
                            + ": "
                            + result.output().strip());
        }
        return result.output();
    }

    /**
     * Runs {@code command} and returns how it ended, whatever its exit status.
     *
     * @param stdin written to the child's standard input, or null for none
     * @param what what the command is for, first in error messages
     * @throws IOException when it cannot start, when it does not finish within {@code timeoutMs}
     *     (it is killed then), when its output exceeds {@link #MAX_OUTPUT_BYTES}, or when the
     *     calling thread is interrupted (the child is killed, the interrupt flag stays set)
     */
    public static Result run(List<String> command, String stdin, long timeoutMs, String what)
            throws IOException {
        String commandLine = String.join(" ", command);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(
                    what + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        Drain output = new Drain(process.getInputStream());
        Thread reader = daemonThread("sluice-command-output", output);
        reader.start();
        if (stdin != null) {
            byte[] input = stdin.getBytes(StandardCharsets.UTF_8);
            daemonThread("sluice-command-input", () -> feed(process.getOutputStream(), input))
                    .start();
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IOException(
                        what
                                + ": '"
                                + commandLine
                                + "' did not finish within "
                                + duration(timeoutMs)
                                + "; killed it");
            }
            // The child is gone; something it started may still hold the output open.
            long leftMs =
                    Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
            reader.join(Math.max(leftMs, 1));
            if (reader.isAlive()) {
                kill(process);
                reader.join(DRAIN_GRACE_MS);
                if (reader.isAlive()) {
                    throw new IOException(
                            what
                                    + ": '"
                                    + commandLine
                                    + "' left a process holding its output open beyond "
                                    + duration(timeoutMs));
                }
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException(
                    what + ": interrupted while waiting for '" + commandLine + "'", e);
        }
        if (output.overflowed()) {
            throw new IOException(
                    what
                            + ": '"
                            + commandLine
                            + "' wrote more than "
                            + (MAX_OUTPUT_BYTES >> 20)
                            + " MiB of output");
        }
        return new Result(process.exitValue(), output.text());
    }

    /** Kills the child and what it started (descendants first, found while the child lives). */
    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void feed(OutputStream stdin, byte[] input) {
        try (stdin) {
            stdin.write(input);
        } catch (IOException ignored) {
            // The child exited or closed its input without reading it all: its status says why.
        }
    }

    private static Thread daemonThread(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(true).unstarted(body);
    }

    private static String duration(long timeoutMs) {
        return timeoutMs % 1000 == 0 ? timeoutMs / 1000 + " s" : timeoutMs + " ms";
    }

    /** Reads a stream to its end, keeping the first {@link #MAX_OUTPUT_BYTES}. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean overflowed;

        Drain(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    int room = MAX_OUTPUT_BYTES - kept.size();
                    if (n > room) {
                        overflowed = true;
                    }
                    kept.write(chunk, 0, Math.min(n, Math.max(room, 0)));
                }
            } catch (IOException ignored) {
                // The stream was closed under us (the child was killed): what was read stays.
            }
        }

        boolean overflowed() {
            return overflowed;
        }

        /** After the reading thread ended (joined), so the bytes are visible. */
        String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}

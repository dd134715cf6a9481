package dev.sluice.daemon.platform.darwin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code /usr/sbin/scutil} as a child process: commands written to its stdin, its output (stdout
 * and stderr) read line by line by a thread of its own. The end of each command's output is found
 * with {@link ScutilScript#sentinel}.
 */
final class ScutilProcess implements ScutilSession {
    static final String SCUTIL = "/usr/sbin/scutil";
    private static final String END = "\u0000end";

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private long nonces;

    private ScutilProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(this::readOutput, "sluice-scutil");
        reader.setDaemon(true);
        reader.start();
    }

    static ScutilSession start() throws IOException {
        return new ScutilProcess(new ProcessBuilder(SCUTIL).redirectErrorStream(true).start());
    }

    private void readOutput() {
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException gone) {
            // the process ended; END below tells the caller
        }
        lines.add(END);
    }

    @Override
    public synchronized String run(String commands, long timeoutMs) throws IOException {
        String nonce = "sluice-" + ProcessHandle.current().pid() + "-" + ++nonces;
        stdin.write((commands + ScutilScript.sentinel(nonce)).getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        StringBuilder output = new StringBuilder();
        long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            String line;
            try {
                line =
                        lines.poll(
                                Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for scutil", e);
            }
            if (line == null) {
                throw new IOException("scutil did not answer within " + timeoutMs + " ms");
            }
            if (line.equals(END)) {
                throw new IOException("scutil exited: " + output.toString().strip());
            }
            if (line.contains(nonce)) {
                try {
                    lines.poll(1, TimeUnit.SECONDS); // the sentinel dictionary's closing brace
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return output.substring(0, Math.max(0, output.lastIndexOf("<dictionary>")));
            }
            output.append(line).append('\n');
        }
    }

    @Override
    public synchronized void close() {
        try {
            stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
            stdin.close();
        } catch (IOException gone) {
            // already ended
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

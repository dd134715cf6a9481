package dev.sluice.it.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands for tests; a failure throws with the command, exit code and output. */
public final class Shell {
    /** A finished command. */
    public record Output(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {}

    /** Runs {@code command} and returns its output whatever the exit code. */
    public static Output run(List<String> command) {
        return run(command, Map.of(), null);
    }

    public static Output run(String... command) {
        return run(List.of(command));
    }

    public static Output run(List<String> command, Map<String, String> env, String stdin) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            // Read both streams fully; outputs here are small.
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Output(
                    process.exitValue(),
                    new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and requires exit code 0. */
    public static String check(String... command) {
        Output output = run(command);
        if (!output.ok()) {
            throw new IllegalStateException(
                    String.join(" ", command)
                            + " exited "
                            + output.exitCode()
                            + ": "
                            + output.err().strip()
                            + " "
                            + output.out().strip());
        }
        return output.out();
    }

    /** Starts a long-running command with output to {@code log}; the caller stops it. */
    public static Process start(List<String> command, Map<String, String> env, Path log) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            builder.redirectOutput(log.toFile());
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command), e);
        }
    }

    /** Stops a process and its descendants: TERM, then KILL after a grace period. */
    public static void stop(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }
}

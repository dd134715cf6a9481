package dev.sluice.it.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command on the host (debootstrap, chroot, plistutil …) and what it printed. */
record HostCommand(int exitCode, String output) {
    static HostCommand run(Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + ": timed out");
        }
        return new HostCommand(process.exitValue(), output);
    }

    static HostCommand run(String... command) throws IOException, InterruptedException {
        return run(Map.of(), List.of(command));
    }

    /** Runs and fails with the output unless it exits 0. */
    static String check(String... command) throws IOException, InterruptedException {
        HostCommand result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command)
                            + " exited "
                            + result.exitCode()
                            + ":\n"
                            + result.output());
        }
        return result.output();
    }
}

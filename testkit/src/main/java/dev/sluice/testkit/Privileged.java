package dev.sluice.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of privileged tests. Each {@code require*} method returns when the machine has what
 * the test needs; otherwise it aborts the test (reported as skipped) on a developer machine, and
 * fails it when the environment variable {@code CI} is {@code true}: in CI every privileged test
 * must run.
 */
public final class Privileged {
    private Privileged() {}

    /** True when running under CI ({@code CI=true}), where skipping is a failure. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires effective uid 0. */
    public static void requireRoot() {
        require(isRoot(), "needs root (effective uid 0)");
    }

    /** Requires root, {@code ip netns} and a usable /dev/net/tun. */
    public static void requireNetworkNamespaces() {
        requireRoot();
        require(commandSucceeds("ip", "netns", "list"), "needs iproute2 with `ip netns`");
        require(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
    }

    /** Requires an executable on the PATH (e.g. "tshark", "wireguard-go"). */
    public static void requireTool(String executable, String why) {
        require(onPath(executable), "needs " + executable + " on the PATH (" + why + ")");
    }

    /** Requires a reachable Docker daemon at {@code DOCKER_HOST} or the default socket. */
    public static void requireDocker() {
        require(commandSucceeds("docker", "version"), "needs a reachable Docker daemon");
    }

    /** Aborts (skips) the test, or fails it under CI, unless {@code condition} holds. */
    public static void require(boolean condition, String what) {
        if (condition) {
            return;
        }
        if (inCi()) {
            Assertions.fail("privileged test cannot run and CI=true forbids skipping: " + what);
        }
        Assumptions.abort("skipped: " + what + " (this fails under CI=true)");
    }

    private static boolean isRoot() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            for (String line : status.split("\n")) {
                if (line.startsWith("Uid:")) {
                    String[] fields = line.substring(4).trim().split("\\s+");
                    return fields.length > 1 && fields[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** True when {@code executable} is found in a PATH directory. */
    public static boolean onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }

    private static boolean commandSucceeds(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

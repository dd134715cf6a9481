package dev.sluice.it.netns;

import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces a test creates and removes: every namespace gets a unique name, every process
 * started in one is killed on close, and {@link #close()} removes them all even when the test
 * failed. Nothing here touches the host's own namespace besides creating the veth pairs (whose both
 * ends are moved into test namespaces at once).
 */
public final class Namespaces implements AutoCloseable {
    private final String prefix;
    private final List<String> created = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** {@code prefix} is short (names are limited): e.g. "wgi". */
    public Namespaces(String prefix) {
        this.prefix = "sl" + prefix + (ProcessHandle.current().pid() % 10000);
    }

    /** Creates namespace {@code <prefix><suffix>} with loopback up; returns its name. */
    public String create(String suffix) {
        String name = prefix + suffix;
        if (Shell.run("ip", "netns", "list")
                .out()
                .lines()
                .anyMatch(l -> l.split(" ")[0].equals(name))) {
            Shell.run("ip", "netns", "del", name);
        }
        Shell.check("ip", "netns", "add", name);
        created.add(name);
        Shell.check("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair between two namespaces, with addresses (CIDR) on each end. */
    public void link(
            String a, String aDevice, String aAddress, String b, String bDevice, String bAddress) {
        Shell.check(
                "ip", "link", "add", aDevice, "netns", a, "type", "veth", "peer", "name", bDevice,
                "netns", b);
        Shell.check("ip", "-n", a, "addr", "add", aAddress, "dev", aDevice);
        Shell.check("ip", "-n", b, "addr", "add", bAddress, "dev", bDevice);
        Shell.check("ip", "-n", a, "link", "set", aDevice, "up");
        Shell.check("ip", "-n", b, "link", "set", bDevice, "up");
    }

    /** Runs a command inside {@code namespace} and requires success. */
    public String exec(String namespace, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        Shell.Output output = Shell.run(full);
        if (!output.ok()) {
            throw new IllegalStateException(
                    String.join(" ", full)
                            + " exited "
                            + output.exitCode()
                            + ": "
                            + output.err().strip()
                            + " "
                            + output.out().strip());
        }
        return output.out();
    }

    /** Runs a command inside {@code namespace}, returning whatever happened. */
    public Shell.Output run(String namespace, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return Shell.run(full);
    }

    /** Starts a long-running process in {@code namespace}; it is stopped on close. */
    public Process start(
            String namespace,
            java.util.Map<String, String> env,
            java.nio.file.Path log,
            String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        Process process = Shell.start(full, env, log);
        processes.add(process);
        return process;
    }

    @Override
    public void close() {
        for (Process process : processes) {
            Shell.stop(process);
        }
        for (String name : created) {
            // Anything still running inside (started by our processes) is ours to stop.
            for (String pid : Shell.run("ip", "netns", "pids", name).out().split("\\s+")) {
                if (!pid.isBlank()) {
                    Shell.run("kill", "-9", pid.strip());
                }
            }
            Shell.run("ip", "netns", "del", name);
        }
    }
}

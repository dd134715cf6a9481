package dev.sluice.daemon.platform.linux.lab;

import dev.sluice.daemon.platform.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the lab topology (see package doc) in namespaces named {@code <prefix>-client}, {@code
 * -router}, {@code -server}, {@code -corp}, {@code -internet}; {@link #close()} stops every process
 * started here and deletes the namespaces, even after a failure.
 */
public final class LabTopology implements AutoCloseable {
    public static final String CLIENT_UNDERLAY = "198.18.0.2";
    public static final String CLIENT_UNDERLAY6 = "fd18::2";
    public static final String SERVER_UNDERLAY = "198.18.1.2";
    public static final String SERVER_UNDERLAY6 = "fd18:1::2";
    public static final String CORP_HOST = "10.60.32.10";
    public static final String CORP_HOST6 = "fd11:1d80:c67a::10";
    public static final String INTERNET_HOST = "198.19.0.10";
    public static final String INTERNET_HOST6 = "fd19::10";
    public static final String CLIENT_TUNNEL = "10.66.0.2";
    public static final String CLIENT_TUNNEL6 = "fd66::2";
    public static final String SERVER_TUNNEL = "10.66.0.1";
    public static final String SERVER_TUNNEL6 = "fd66::1";
    public static final int PEER_PORT = 51820;

    /** One lab command (ip, sysctl, wg) may take this long before it is killed. */
    private static final long COMMAND_TIMEOUT_MS = 60_000;

    private final String prefix;
    private final List<String> created = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private LabTopology(String prefix) {
        this.prefix = prefix;
    }

    public String client() {
        return prefix + "-client";
    }

    public String router() {
        return prefix + "-router";
    }

    public String server() {
        return prefix + "-server";
    }

    public String corp() {
        return prefix + "-corp";
    }

    public String internet() {
        return prefix + "-internet";
    }

    /**
     * The client namespace's resolver file: {@code ip netns exec} bind-mounts it over {@code
     * /etc/resolv.conf}, so Sluice in the namespace rewrites this file and never the host's.
     */
    public Path clientResolverFile() {
        return Path.of("/etc/netns", client(), "resolv.conf");
    }

    /** Writes {@link #clientResolverFile()} (before anything starts in the client namespace). */
    public void writeClientResolverFile(String content) throws IOException {
        Files.createDirectories(clientResolverFile().getParent());
        Files.writeString(clientResolverFile(), content);
    }

    /** Deletes the {@code /etc/netns/<ns>} directories of this topology's namespaces. */
    private static void removeResolverFiles(String prefix) {
        LabTopology names = new LabTopology(prefix);
        for (String ns :
                List.of(
                        names.client(),
                        names.router(),
                        names.server(),
                        names.corp(),
                        names.internet())) {
            Path directory = Path.of("/etc/netns", ns);
            try {
                if (Files.isDirectory(directory)) {
                    try (var files = Files.list(directory)) {
                        for (Path file : files.toList()) {
                            Files.deleteIfExists(file);
                        }
                    }
                    Files.deleteIfExists(directory);
                }
            } catch (IOException e) {
                // best effort: a stale file only matters to a namespace of the same name
            }
        }
    }

    /** Namespaces of this topology that already exist (a lab that refuses to start names them). */
    public static List<String> existing(String prefix) throws IOException {
        LabTopology names = new LabTopology(prefix);
        List<String> present = new ArrayList<>();
        String list = run(List.of("ip", "netns", "list"), true);
        for (String ns :
                List.of(
                        names.client(),
                        names.router(),
                        names.server(),
                        names.corp(),
                        names.internet())) {
            if (list.lines().anyMatch(line -> line.split(" ")[0].equals(ns))) {
                present.add(ns);
            }
        }
        return present;
    }

    /**
     * Removes a lab left running ({@code sluice lab --keep}): every process in its namespaces gets
     * SIGTERM (Sluice undoes its changes), then SIGKILL after 5 s; then the namespaces go.
     *
     * @return the namespaces removed
     */
    public static List<String> remove(String prefix) throws IOException {
        List<String> namespaces = existing(prefix);
        List<ProcessHandle> running = new ArrayList<>();
        for (String ns : namespaces) {
            for (String pid : run(List.of("ip", "netns", "pids", ns), false).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(running::add);
                }
            }
        }
        running.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : running) {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
        for (String ns : namespaces) {
            run(List.of("ip", "netns", "del", ns), false);
        }
        removeResolverFiles(prefix);
        return namespaces;
    }

    /** Builds the whole topology; on failure removes what was created and rethrows. */
    public static LabTopology create(String prefix) throws IOException {
        LabTopology lab = new LabTopology(prefix);
        try {
            lab.build();
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException {
        for (String ns : List.of(client(), router(), server(), corp(), internet())) {
            run(List.of("ip", "netns", "add", ns), true);
            created.add(ns);
            exec(ns, "ip", "link", "set", "lo", "up");
            exec(
                    ns,
                    "sysctl",
                    "-qw",
                    "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
        }
        link(
                client(),
                "eth0",
                "198.18.0.2/24",
                "fd18::2/64",
                router(),
                "to-client",
                "198.18.0.1/24",
                "fd18::1/64");
        link(
                router(),
                "to-server",
                "198.18.1.1/24",
                "fd18:1::1/64",
                server(),
                "eth0",
                "198.18.1.2/24",
                "fd18:1::2/64");
        link(
                router(),
                "to-internet",
                "198.18.2.1/24",
                "fd18:2::1/64",
                internet(),
                "eth0",
                "198.18.2.2/24",
                "fd18:2::2/64");
        link(
                server(),
                "to-corp",
                "10.60.32.1/24",
                "fd11:1d80:c67a::1/64",
                corp(),
                "eth0",
                "10.60.32.10/24",
                "fd11:1d80:c67a::10/64");
        for (String ns : List.of(router(), server())) {
            exec(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }
        // Internet hosts live on the loopback device: no dummy-link module needed.
        exec(internet(), "ip", "addr", "add", INTERNET_HOST + "/32", "dev", "lo");
        exec(internet(), "ip", "-6", "addr", "add", INTERNET_HOST6 + "/128", "dev", "lo");
        exec(router(), "ip", "route", "add", "198.19.0.0/16", "via", "198.18.2.2");
        exec(router(), "ip", "-6", "route", "add", "fd19::/64", "via", "fd18:2::2");
        defaultVia(client(), "198.18.0.1", "fd18::1");
        defaultVia(server(), "198.18.1.1", "fd18:1::1");
        defaultVia(internet(), "198.18.2.1", "fd18:2::1");
        defaultVia(corp(), "10.60.32.1", "fd11:1d80:c67a::1");
    }

    private void link(
            String a,
            String aName,
            String a4,
            String a6,
            String b,
            String bName,
            String b4,
            String b6)
            throws IOException {
        String tmpA = "v" + Integer.toHexString((a + aName).hashCode() & 0xfffffff);
        String tmpB = "v" + Integer.toHexString((b + bName).hashCode() & 0xfffffff);
        run(
                List.of(
                        "ip", "link", "add", tmpA, "netns", a, "type", "veth", "peer", "name", tmpB,
                        "netns", b),
                true);
        exec(a, "ip", "link", "set", tmpA, "name", aName);
        exec(b, "ip", "link", "set", tmpB, "name", bName);
        exec(a, "ip", "addr", "add", a4, "dev", aName);
        exec(a, "ip", "-6", "addr", "add", a6, "dev", aName, "nodad");
        exec(b, "ip", "addr", "add", b4, "dev", bName);
        exec(b, "ip", "-6", "addr", "add", b6, "dev", bName, "nodad");
        exec(a, "ip", "link", "set", aName, "up");
        exec(b, "ip", "link", "set", bName, "up");
    }

    private void defaultVia(String ns, String gateway4, String gateway6) throws IOException {
        exec(ns, "ip", "route", "add", "default", "via", gateway4);
        exec(ns, "ip", "-6", "route", "add", "default", "via", gateway6);
    }

    /** Runs a command in namespace {@code ns}; fails with its output when it exits non-zero. */
    public String exec(String ns, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full, true);
    }

    /** Runs a command in namespace {@code ns} and returns its output whatever the exit code. */
    public String tryExec(String ns, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full, false);
    }

    /** Starts a long-running command in {@code ns} with output to {@code log}; stopped on close. */
    public Process start(String ns, Map<String, String> environment, Path log, String... command)
            throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    static String run(List<String> command, boolean check) throws IOException {
        String commandLine = String.join(" ", command);
        ExternalCommand.Result result =
                ExternalCommand.run(command, null, COMMAND_TIMEOUT_MS, commandLine);
        if (check && result.exitCode() != 0) {
            throw new IOException(
                    commandLine + " exited " + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    /** Stops a process gracefully (SIGTERM, then SIGKILL after 10 s) with its children. */
    public static void stop(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroy();
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            stop(process);
        }
        for (String ns : created) {
            try {
                for (String pid : run(List.of("ip", "netns", "pids", ns), false).split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.strip()))
                                .ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                run(List.of("ip", "netns", "del", ns), false);
            } catch (IOException | NumberFormatException e) {
                // best effort: keep removing the others
            }
        }
        created.clear();
        removeResolverFiles(prefix);
    }
}

package dev.sluice.it.systemd;

import dev.sluice.it.netns.Shell;
import dev.sluice.it.rootfs.DebianRoot;
import dev.sluice.it.rootfs.RootOverlay;
import dev.sluice.testkit.Privileged;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Debian 12 system with systemd as PID 1, booted by {@code systemd-nspawn} inside one of the
 * lab's network namespaces, as the host Sluice's package is installed on. Its root is a {@link
 * RootOverlay} over the cached {@link DebianRoot}, so each container starts from a clean system and
 * the cache is never written.
 *
 * <p>Use: {@link #create} (mounts the root), then prepare it offline ({@link #installPackage},
 * {@link #writeFile}, {@link #chroot}), {@link #boot()}, run commands inside ({@link #exec}, {@link
 * #systemctl}, {@link #journal}), {@link #shutdown()} (a clean power-off; boot again at will), and
 * {@link #close()}, which also unmounts and deletes the root. Or all at once: {@link
 * #bootWithPackage}.
 *
 * <p>How nspawn is run, and why: {@code --register=no --keep-unit} (no machined, no scope: the
 * host's PID 1 need not be systemd); {@code --network-namespace-path} puts the container in the lab
 * namespace, so its routes, rules, nftables and sysctls are the namespace's and the test sees them
 * from outside with {@code ip -n}; {@code --capability=CAP_NET_ADMIN} and {@code
 * SYSTEMD_NSPAWN_API_VFS_WRITABLE=network} (writable {@code /proc/sys/net}) give the container what
 * nspawn gives one with a private network, which it does not do for a namespace passed in; {@code
 * --resolv-conf=off} and {@code --timezone=off} keep the root's own files. The container's {@code
 * systemd-sysctl.service} is masked: the namespace's sysctls are the lab's, and a test that
 * compares them before and after must see only what Sluice changed. Commands inside run through
 * {@code nsenter} into the container's namespaces, with a clean environment.
 */
public final class SystemdContainer implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private final String name;
    private final String networkNamespace;
    private final Path directory;
    private final RootOverlay root;
    private Process nspawn;
    private long initPid;
    private Thread cleanupAtExit;

    private SystemdContainer(
            String name, String networkNamespace, Path directory, RootOverlay root) {
        this.name = name;
        this.networkNamespace = networkNamespace;
        this.directory = directory;
        this.root = root;
    }

    /**
     * Mounts a fresh root for a container named {@code name} (also its host name) that will boot in
     * the existing network namespace {@code networkNamespace} ({@code /run/netns/<name>}); files go
     * to {@code directory}.
     */
    public static SystemdContainer create(String name, String networkNamespace, Path directory)
            throws Exception {
        Privileged.requireRoot();
        Privileged.requireTool("systemd-nspawn", "boots the system under test (systemd-container)");
        Privileged.requireTool("nsenter", "runs commands in the container (util-linux)");
        Path lower = DebianRoot.ensure();
        Files.createDirectories(directory);
        RootOverlay root = RootOverlay.mount(lower, directory.resolve("root"));
        SystemdContainer container = new SystemdContainer(name, networkNamespace, directory, root);
        // A test JVM that is stopped (a timeout, Ctrl-C) still powers the container off and
        // unmounts its root.
        container.cleanupAtExit = new Thread(container::closeQuietly, "close " + name);
        Runtime.getRuntime().addShutdownHook(container.cleanupAtExit);
        try {
            container
                    .chroot("systemctl mask systemd-sysctl.service >/dev/null 2>&1")
                    .orThrow("masking systemd-sysctl");
            Files.writeString(root.resolve("/etc/hostname"), name + "\n");
            return container;
        } catch (Exception | Error e) {
            container.close();
            throw e;
        }
    }

    /**
     * The usual bed: a container in {@code networkNamespace} with {@code deb} installed, {@code
     * config} as {@code /etc/sluice/sluice.conf} (mode 0600) and {@code sluice.service} enabled,
     * booted.
     */
    public static SystemdContainer bootWithPackage(
            String name, String networkNamespace, Path deb, String config, Path directory)
            throws Exception {
        SystemdContainer container = create(name, networkNamespace, directory);
        try {
            container.installPackage(deb);
            container.writeFile("/etc/sluice/sluice.conf", config, "rw-------");
            container.chroot("systemctl enable sluice.service").orThrow("systemctl enable");
            container.boot();
            return container;
        } catch (Exception | Error e) {
            container.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** The root file system as seen from the host (to read or write files; see {@link #file}). */
    public RootOverlay root() {
        return root;
    }

    /** {@code pathInside} (absolute, as inside the container) as a host path. */
    public Path file(String pathInside) {
        return root.resolve(pathInside);
    }

    /** Writes a file inside the root with POSIX permissions {@code mode} (e.g. "rw-------"). */
    public void writeFile(String pathInside, String content, String mode) throws IOException {
        Path file = file(pathInside);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(
                file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        Files.writeString(file, content);
    }

    /**
     * Installs {@code deb} with {@code apt-get install ./file.deb} (dependencies from the root):
     * offline with {@link #chroot} before boot, through {@link #exec} after.
     */
    public void installPackage(Path deb) throws Exception {
        String inside = copyIn(deb);
        String command = "apt-get install -y -q --no-install-recommends " + inside;
        if (isRunning()) {
            String output = execChecked("sh", "-c", "DEBIAN_FRONTEND=noninteractive " + command);
            log("apt-get install " + deb.getFileName(), output);
        } else {
            chroot(command).orThrow("apt-get install " + deb);
        }
    }

    /** Copies a host file into the container's {@code /var/tmp}; returns its path inside. */
    public String copyIn(Path file) throws IOException {
        String inside = "/var/tmp/" + file.getFileName();
        Files.copy(file, file(inside), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return inside;
    }

    /** Runs {@code script} chrooted into the root (only while the container is not running). */
    public RootOverlay.Chrooted chroot(String script) throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("the container " + name + " is running: use exec");
        }
        return root.chroot(script);
    }

    /**
     * Boots the container and returns once systemd finished starting up ({@code systemctl
     * is-system-running --wait}: running or degraded).
     */
    public void boot() throws Exception {
        if (isRunning()) {
            throw new IllegalStateException("the container " + name + " is already running");
        }
        ProcessBuilder builder =
                new ProcessBuilder(
                                "systemd-nspawn",
                                "--quiet",
                                "--register=no",
                                "--keep-unit",
                                "--settings=no",
                                "--boot",
                                "--directory=" + root.root(),
                                "--machine=" + name,
                                "--network-namespace-path=/run/netns/" + networkNamespace,
                                "--capability=CAP_NET_ADMIN",
                                "--resolv-conf=off",
                                "--timezone=off",
                                "--link-journal=no",
                                "--console=passive")
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        directory.resolve("nspawn.log").toFile()));
        builder.environment().put("SYSTEMD_NSPAWN_API_VFS_WRITABLE", "network");
        nspawn = builder.start();
        long deadlineMs = System.currentTimeMillis() + BOOT_TIMEOUT.toMillis();
        while (initPid == 0) {
            Optional<ProcessHandle> init =
                    nspawn.descendants()
                            .filter(p -> p.info().command().orElse("").endsWith("/systemd"))
                            .findFirst();
            if (init.isPresent()) {
                initPid = init.get().pid();
            } else if (!nspawn.isAlive() || System.currentTimeMillis() > deadlineMs) {
                throw new IllegalStateException(
                        "systemd-nspawn did not start systemd in " + name + ":\n" + nspawnLog());
            } else {
                Thread.sleep(50);
            }
        }
        // Until PID 1 listens, systemctl cannot connect and prints nothing on stdout; then --wait
        // blocks until start-up finished.
        String reached = "";
        while (!reached.equals("running") && !reached.equals("degraded")) {
            reached = exec("systemctl", "is-system-running", "--wait").out().strip();
            if (!reached.isEmpty()
                    && !reached.equals("offline")
                    && !reached.equals("running")
                    && !reached.equals("degraded")) {
                throw new IllegalStateException(
                        "systemd in " + name + " reached '" + reached + "':\n" + nspawnLog());
            }
            if (!isRunning() || System.currentTimeMillis() > deadlineMs) {
                throw new IllegalStateException(
                        "systemd in " + name + " did not finish starting up:\n" + nspawnLog());
            }
            if (reached.isEmpty() || reached.equals("offline")) {
                Thread.sleep(100);
            }
        }
        if (reached.equals("degraded")) {
            System.err.println(
                    name
                            + ": system degraded:\n"
                            + exec("systemctl", "--failed", "--no-pager").out());
        }
    }

    /** True while the container runs. */
    public boolean isRunning() {
        return nspawn != null && nspawn.isAlive();
    }

    /** The container's PID 1 as the host sees it. */
    public long initPid() {
        if (!isRunning()) {
            throw new IllegalStateException("the container " + name + " is not running");
        }
        return initPid;
    }

    /** Runs {@code command} inside the running container; returns whatever it did. */
    public Shell.Output exec(String... command) {
        List<String> full =
                new ArrayList<>(
                        List.of(
                                "nsenter",
                                "--target",
                                Long.toString(initPid()),
                                "--mount",
                                "--uts",
                                "--ipc",
                                "--net",
                                "--pid",
                                "--",
                                "env",
                                "-i",
                                "PATH=" + PATH,
                                "LANG=C.UTF-8",
                                "HOME=/root",
                                "SYSTEMD_COLORS=0",
                                "SYSTEMD_PAGER="));
        full.addAll(List.of(command));
        return Shell.run(full, Map.of(), null);
    }

    /** As {@link #exec}, requiring exit code 0; returns standard output. */
    public String execChecked(String... command) {
        Shell.Output output = exec(command);
        if (!output.ok()) {
            throw new IllegalStateException(
                    String.join(" ", command)
                            + " exited "
                            + output.exitCode()
                            + " in "
                            + name
                            + ": "
                            + output.err().strip()
                            + " "
                            + output.out().strip());
        }
        return output.out();
    }

    /** {@code systemctl <arguments>} inside, whatever its exit code. */
    public Shell.Output systemctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("systemctl", "--no-pager"));
        command.addAll(List.of(arguments));
        return exec(command.toArray(String[]::new));
    }

    /** A property of a unit ({@code systemctl show -p <property> --value}). */
    public String unitProperty(String unit, String property) {
        return systemctl("show", "-p", property, "--value", unit).out().strip();
    }

    /** {@code journalctl -u <unit>} inside (this boot, short ISO timestamps). */
    public String journal(String unit) {
        return exec("journalctl", "--no-pager", "-o", "short-iso", "-u", unit).out();
    }

    /**
     * Powers the container off cleanly (SIGTERM to nspawn, which asks systemd to shut down: every
     * unit stops) and waits for it; forcibly after 90 s.
     */
    public synchronized void shutdown() throws InterruptedException {
        if (nspawn == null) {
            return;
        }
        nspawn.destroy();
        if (!nspawn.waitFor(90, TimeUnit.SECONDS)) {
            System.err.println(name + ": did not power off in 90 s; killing it");
            nspawn.destroyForcibly();
            nspawn.waitFor(30, TimeUnit.SECONDS);
        }
        nspawn = null;
        initPid = 0;
    }

    /** What nspawn and the container's console printed so far. */
    public String nspawnLog() {
        try {
            return Files.readString(directory.resolve("nspawn.log"));
        } catch (IOException e) {
            return "(no nspawn log: " + e.getMessage() + ")";
        }
    }

    private static void log(String what, String output) {
        String[] lines = output.strip().split("\n");
        System.out.println(what + ": " + lines[lines.length - 1]);
    }

    /** Powers off (when running), unmounts and deletes the root. */
    @Override
    public synchronized void close() throws Exception {
        try {
            shutdown();
        } finally {
            root.close();
            if (cleanupAtExit != null && Thread.currentThread() != cleanupAtExit) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway and finds nothing left to do
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println(name + ": cleaning up at exit: " + e.getMessage());
        }
    }

    /** Reads a text file inside the root (running or not). */
    public String readFile(String pathInside) throws IOException {
        return new String(Files.readAllBytes(file(pathInside)), StandardCharsets.UTF_8);
    }
}

package dev.sluice.daemon.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.PeerConfig;
import dev.sluice.config.Problem;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.BuildInfo;
import dev.sluice.daemon.control.ControlClient;
import dev.sluice.daemon.control.ControlProtocol;
import dev.sluice.daemon.control.ControlReply;
import dev.sluice.daemon.control.ControlRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the support archive of {@code sluice bugreport}: a {@code .tar.gz} whose entries are
 * listed in its {@code README.txt}. What cannot be collected (no daemon, no permission, a missing
 * tool) is said in the entry's place and in the README, and the rest is still written. Every entry
 * passes through {@link Secrets#scrub} before it is written.
 */
public final class BugReport {
    /** Largest state-directory file copied whole. */
    static final long MAX_STATE_FILE_BYTES = 8L << 20;

    /** Journal lines included. */
    static final int JOURNAL_LINES = 2000;

    /** The units whose journal is included. */
    static final List<String> UNITS = List.of("sluice.service", "sluice-killswitch.service");

    /**
     * Where a report reads from.
     *
     * @param config the configuration file
     * @param managed the managed overlays, in the order the daemon applies them
     * @param stateDirectory the daemon's state directory (snapshot, journal)
     * @param socket the daemon's control socket
     * @param host the running system
     * @param clock the wall clock (the report's time, and the clock check)
     * @param clockWitnesses files whose modification time the clock must not be behind
     */
    public record Sources(
            Path config,
            List<Path> managed,
            Path stateDirectory,
            Path socket,
            HostView host,
            Clock clock,
            List<Path> clockWitnesses) {}

    /**
     * What was written.
     *
     * @param file the archive
     * @param entries the entry names, in order
     * @param problems the known problems found (as in {@code checks.txt})
     * @param notes what could not be collected, and why
     */
    public record Summary(
            Path file, List<String> entries, List<String> problems, List<String> notes) {}

    private final Sources sources;
    private final Secrets secrets = new Secrets();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private BugReport(Sources sources) {
        this.sources = sources;
    }

    /** Collects everything and writes the archive to {@code file} (mode 0600). */
    public static Summary write(Sources sources, Path file) throws IOException {
        return new BugReport(sources).collectAndWrite(file);
    }

    /** {@code sluice-bugreport-<UTC time>.tar.gz}. */
    public static String defaultFileName(Instant now) {
        return "sluice-bugreport-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(now)
                + ".tar.gz";
    }

    private Summary collectAndWrite(Path file) throws IOException {
        Instant now = sources.clock().instant();
        add("version.txt", version(now));
        SluiceConfig config = configuration();
        JsonNode status = daemon();
        state();
        system(config);
        add(
                "journal/sluice.txt",
                collect("journal", () -> sources.host().journal(UNITS, JOURNAL_LINES)));
        List<String> problems =
                KnownProblems.find(config, status, sources.host(), now, sources.clockWitnesses());
        StringBuilder checks = new StringBuilder();
        checks.append("# known problems found by sluice bugreport at ").append(now).append('\n');
        if (problems.isEmpty()) {
            checks.append("none of the known problems was found\n");
        }
        for (String problem : problems) {
            checks.append("- ").append(problem).append('\n');
        }
        add("checks.txt", checks.toString());
        Map<String, byte[]> archive = new LinkedHashMap<>();
        archive.put("README.txt", readme(now).getBytes(StandardCharsets.UTF_8));
        archive.putAll(entries);
        archive.replaceAll((name, bytes) -> secrets.scrub(bytes));
        String top = file.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        TarGzArchive.write(file, top, archive, now);
        return new Summary(file, List.copyOf(archive.keySet()), problems, List.copyOf(notes));
    }

    private String version(Instant now) {
        StringBuilder text = new StringBuilder();
        text.append("sluice ").append(BuildInfo.version()).append('\n');
        text.append("Java ")
                .append(Runtime.version())
                .append(" (")
                .append(System.getProperty("java.vendor", "unknown vendor"))
                .append(")\n");
        text.append("kernel: ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append(' ')
                .append(System.getProperty("os.arch"))
                .append('\n');
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    text.append("system: ")
                            .append(line.substring(12).replace("\"", ""))
                            .append('\n');
                }
            }
        } catch (IOException absent) {
            // not every system has it
        }
        text.append("report written: ")
                .append(now)
                .append(" by user ")
                .append(System.getProperty("user.name"))
                .append('\n');
        return text.toString();
    }

    private SluiceConfig configuration() {
        // The user's file on its own as well: a key a managed overlay replaced is not in the
        // effective configuration, but it is still a secret the scrub must know.
        add(
                "config/" + sources.config().getFileName(),
                RedactedConfig.renderFile(sources.config(), secrets));
        add(
                "config/effective.conf",
                RedactedConfig.render(sources.config(), sources.managed(), secrets));
        ConfigLoader.Result loaded = ConfigLoader.load(sources.config(), sources.managed());
        StringBuilder problems = new StringBuilder();
        for (Problem problem : loaded.problems()) {
            problems.append(problem).append('\n');
        }
        add(
                "config/problems.txt",
                problems.isEmpty() ? "the configuration is valid\n" : problems.toString());
        for (Path overlay : sources.managed()) {
            add(
                    "config/managed/" + overlay.getFileName(),
                    overlay.toString().endsWith(".plist")
                            ? "# "
                                    + overlay
                                    + ": managed preferences, shown applied in ../effective.conf\n"
                            : RedactedConfig.renderFile(overlay, secrets));
        }
        if (!loaded.ok()) {
            notes.add(
                    "the configuration "
                            + sources.config()
                            + " is not valid: checks that need it were skipped");
            return null;
        }
        SluiceConfig config = loaded.config();
        secrets.add(config.iface().privateKey().bytes());
        for (PeerConfig peer : config.peers()) {
            if (peer.presharedKey() != null) {
                secrets.add(peer.presharedKey().bytes());
            }
        }
        return config;
    }

    private JsonNode daemon() {
        JsonNode status = null;
        try {
            ControlReply reply = ControlClient.send(sources.socket(), ControlRequest.of("status"));
            if (reply.ok()) {
                status = reply.result();
                add(
                        "daemon/status.json",
                        ControlProtocol.JSON
                                        .writerWithDefaultPrettyPrinter()
                                        .writeValueAsString(status)
                                + "\n");
            } else {
                add("daemon/status.json", unavailable("status", reply.error()));
            }
            ControlReply metrics =
                    ControlClient.send(sources.socket(), ControlRequest.of("metrics"));
            add(
                    "daemon/metrics.txt",
                    metrics.ok()
                            ? metrics.result().asText()
                            : unavailable("metrics", metrics.error()));
        } catch (IOException e) {
            add("daemon/status.json", unavailable("status", e.getMessage()));
            add("daemon/metrics.txt", unavailable("metrics", e.getMessage()));
        }
        return status;
    }

    private String unavailable(String what, String why) {
        notes.add("daemon " + what + ": " + why);
        return "# not available: " + why + "\n";
    }

    private void state() {
        Path directory = sources.stateDirectory();
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.sorted().toList();
        } catch (IOException e) {
            notes.add("state directory " + directory + ": " + reason(e));
            add("state/README.txt", "# " + directory + " could not be listed: " + reason(e) + "\n");
            return;
        }
        if (files.isEmpty()) {
            add(
                    "state/README.txt",
                    "# "
                            + directory
                            + " is empty: no snapshot and no journal (nothing to recover)\n");
        }
        for (Path file : files) {
            String name = "state/" + file.getFileName();
            try {
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                if (Files.size(file) > MAX_STATE_FILE_BYTES) {
                    add(name, "# " + file + " is larger than 8 MiB; not copied\n");
                    continue;
                }
                entries.put(name, Files.readAllBytes(file));
            } catch (IOException e) {
                notes.add(file + ": " + reason(e));
                add(name, "# " + file + " could not be read: " + reason(e) + "\n");
            }
        }
    }

    private void system(SluiceConfig config) {
        HostView host = sources.host();
        add(
                "system/ip-rules.txt",
                "# ip -4 rule show\n"
                        + collect("ip -4 rule", () -> host.rules(false))
                        + "\n# ip -6 rule show\n"
                        + collect("ip -6 rule", () -> host.rules(true)));
        String table =
                config == null || !config.iface().capturesRoutes()
                        ? "51820"
                        : Integer.toString(config.iface().table());
        StringBuilder routes = new StringBuilder();
        for (String shown : List.of(table, "main")) {
            for (boolean ipv6 : new boolean[] {false, true}) {
                String command = "ip " + (ipv6 ? "-6" : "-4") + " route show table " + shown;
                routes.append("# ")
                        .append(command)
                        .append('\n')
                        .append(collect(command, () -> host.routes(ipv6, shown)))
                        .append('\n');
            }
        }
        add("system/ip-routes.txt", routes.toString());
        add("system/nftables.txt", collect("nft", host::sluiceTables));
        add("system/resolver.txt", collect("resolver setup", host::resolverSetup));
        StringBuilder sysctls = new StringBuilder();
        List<String> names =
                new ArrayList<>(
                        List.of(
                                "net.ipv4.ip_forward",
                                "net.ipv6.conf.all.forwarding",
                                "net.ipv4.conf.all.rp_filter",
                                "net.ipv4.conf.default.rp_filter",
                                "net.ipv4.conf.all.src_valid_mark"));
        try {
            String uplink = KnownProblems.uplink(host.routes(false, "main"));
            if (uplink != null) {
                names.add("net.ipv4.conf." + uplink + ".rp_filter");
            }
        } catch (IOException ignored) {
            // ip-routes.txt already says why
        }
        if (config != null) {
            names.add("net.ipv4.conf." + config.iface().name() + ".accept_local");
            names.add("net.ipv4.conf." + config.iface().name() + ".forwarding");
        }
        for (String name : names) {
            String value = host.sysctl(name);
            sysctls.append(name)
                    .append(" = ")
                    .append(value == null ? "(absent)" : value)
                    .append('\n');
        }
        add("system/sysctls.txt", sysctls.toString());
    }

    /** A source of text that may fail. */
    private interface Source {
        String read() throws IOException;
    }

    private String collect(String what, Source source) {
        try {
            return source.read();
        } catch (IOException | RuntimeException e) {
            notes.add(what + ": " + reason(e));
            return "# could not collect " + what + ": " + reason(e) + "\n";
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (run sluice bugreport as root)";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void add(String name, String text) {
        entries.put(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private String readme(Instant now) {
        StringBuilder text = new StringBuilder();
        text.append("Sluice support report, written ")
                .append(now)
                .append(" by sluice ")
                .append(BuildInfo.version())
                .append(" (sluice bugreport).\n")
                .append("Private and preshared keys are never included: the configuration shows")
                .append(" them redacted, a private key as its public half.\n\n");
        text.append("checks.txt            known problems found (start here)\n")
                .append("version.txt           Sluice, Java, kernel and system versions\n")
                .append("config/               ")
                .append(sources.config().getFileName())
                .append(" as written, the effective configuration (with the managed overlays),")
                .append(" its problems, each managed source\n")
                .append("daemon/               status --json and metrics of the running daemon\n")
                .append("state/                ")
                .append(sources.stateDirectory())
                .append(": snapshot and journal of the last connection, when present\n")
                .append(
                        "system/               live policy rules, routes, nftables tables, resolver")
                .append(" setup and sysctls\n")
                .append("journal/sluice.txt    the units' recent journal lines\n");
        if (!notes.isEmpty()) {
            text.append("\nNot collected:\n");
            for (String note : notes) {
                text.append("- ").append(note).append('\n');
            }
        }
        return text.toString();
    }
}

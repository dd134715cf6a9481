package dev.sluice.daemon.killswitch;

import dev.sluice.config.KillSwitchMode;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.ValueRanges;
import dev.sluice.routing.journal.StateFiles;
import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.policy.LocalNetworks;
import dev.sluice.routing.policy.Verdict;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts the kill switch's table in place, refreshes it and takes it away. Before each change the
 * state directory's {@code killswitch} file records what the block is (mode, reason, and the table
 * that blocks without a connection), fsync'd: a daemon killed at any moment leaves either no block
 * and no record, or a record that {@link #recover} can act on. When the change makes the firewall
 * hold a reference of its own ({@link Firewall#reference}, pf's enable token on macOS), the record
 * is written again with it, so that recovery and the next daemon can give it back; a daemon killed
 * between the change and that second write leaves pf enabled one reference too many, which by
 * itself lets everything through that the system's own rules let through.
 *
 * <p>Lifecycle (the service decides when): {@link #block} when connecting with {@code KillSwitch =
 * on|always} and while disconnected with {@code always}; {@link #arm} once connected (the same
 * rules plus what only a live connection may use: the kernel strategy's bypass ranges); {@link
 * #release} when an operator disconnects with {@code on}, or the mode is off. A daemon that stops
 * or dies keeps the block.
 *
 * <p>Thread-safe: changes are serialized (the lifecycle thread connects and disconnects; a DNS
 * answer under the kernel strategy re-arms it); {@link #status} may be called from any thread.
 */
public final class KillSwitch {
    private static final Logger LOG = System.getLogger(KillSwitch.class.getName());

    /** The record in the state directory. */
    public static final String FILE_NAME = "killswitch";

    private static final String HEADER =
            "# sluice kill switch: traffic the policy tunnels cannot leave this host until Sluice"
                    + " connects; 'sluice disconnect' (KillSwitch = on) or 'sluice recover"
                    + " --unblock' lifts it";

    /** The networks attached to the host now, except the tun's (for LocalNetworks = bypass). */
    @FunctionalInterface
    public interface AttachedNetworks {
        List<IpPrefix> read(String tun) throws IOException;
    }

    private final Path stateDirectory;
    private final Firewall firewall;
    private final AttachedNetworks attached;
    private volatile KillSwitchMode mode = KillSwitchMode.OFF;
    private volatile boolean armed;
    private volatile boolean inPlace;
    private volatile String reason = "KillSwitch = off";
    private String recordedReference;

    public KillSwitch(Path stateDirectory, Firewall firewall, AttachedNetworks attached) {
        this.stateDirectory = stateDirectory;
        this.firewall = firewall;
        this.attached = attached;
    }

    /**
     * At daemon start: adopts a block an earlier run left ({@code KillSwitch = on|always}), or
     * lifts it when the configuration says off now. Does not put a new block in place.
     */
    public synchronized void adopt(KillSwitchMode configured) throws IOException {
        mode = configured;
        String recorded = readRecord(file());
        String reference = recorded == null ? null : field(recorded, "reference", null);
        firewall.adoptReference(reference);
        boolean present = firewall.present(firewall.killSwitchFamily(), firewall.killSwitchName());
        if (!present) {
            if (reference != null) {
                firewall.delete(firewall.killSwitchFamily(), firewall.killSwitchName());
            }
            StateFiles.deleteDurably(file());
            inPlace = false;
            reason = "KillSwitch = " + configured.word();
            return;
        }
        if (configured == KillSwitchMode.OFF) {
            LOG.log(Level.INFO, "KillSwitch is off: lifting the block an earlier run left");
            release("KillSwitch = off");
            return;
        }
        inPlace = true;
        armed = false;
        reason =
                "KillSwitch = "
                        + configured.word()
                        + ": kept from an earlier run until Sluice connects";
        LOG.log(Level.INFO, "kill switch: " + reason);
    }

    /**
     * Blocks everything but the allowed list (and the tun, whatever carries it now): what stays in
     * place while connecting, after an error, and when the daemon stops or dies.
     */
    public synchronized void block(SluiceConfig config, String why) throws IOException {
        mode = config.iface().killSwitch();
        FirewallTable blocking = blocking(config);
        record(mode, why, blocking);
        firewall.replace(blocking);
        recordReference(mode, why, blocking);
        if (!inPlace) {
            LOG.log(Level.INFO, "kill switch: blocking (" + why + ")");
        }
        inPlace = true;
        armed = false;
        reason = why;
    }

    /**
     * The block of a live connection: the same rules, plus what only a live connection may use (the
     * kernel strategy's bypass ranges, which leave by routes rather than through the tun).
     *
     * @param kernelRoutes the policy as the kernel strategy routes it, or null with capture
     */
    public synchronized void arm(
            SluiceConfig config, Map<IpPrefix, Verdict> kernelRoutes, String why)
            throws IOException {
        mode = config.iface().killSwitch();
        FirewallTable blocking = blocking(config);
        List<ValueRanges.Range> bypass = new ArrayList<>();
        if (kernelRoutes != null) {
            for (IpFamily family : IpFamily.values()) {
                bypass.addAll(ValueRanges.of(kernelRoutes, family, Verdict.BYPASS));
            }
        }
        record(mode, why, blocking);
        firewall.replace(firewall.killSwitchTable(config, localNetworks(config), bypass));
        recordReference(mode, why, blocking);
        if (!armed) {
            LOG.log(Level.INFO, "kill switch: armed (" + why + ")");
        }
        inPlace = true;
        armed = true;
        reason = why;
    }

    private FirewallTable blocking(SluiceConfig config) throws IOException {
        return firewall.killSwitchTable(config, localNetworks(config), List.of());
    }

    private List<IpPrefix> localNetworks(SluiceConfig config) throws IOException {
        return config.split().localNetworks() == LocalNetworks.BYPASS
                ? attached.read(config.iface().name())
                : List.of();
    }

    /** Takes the block away (and its record). */
    public synchronized void release(String why) throws IOException {
        firewall.delete(firewall.killSwitchFamily(), firewall.killSwitchName());
        StateFiles.deleteDurably(file());
        if (inPlace) {
            LOG.log(Level.INFO, "kill switch: lifted (" + why + ")");
        }
        inPlace = false;
        armed = false;
        reason = why;
    }

    /** Whether a block is in place (as this object last left it). */
    public boolean inPlace() {
        return inPlace;
    }

    /** The configured mode as last given to this object. */
    public KillSwitchMode mode() {
        return mode;
    }

    /** For {@code status}. */
    public KillSwitchStatus status() {
        long refused = 0;
        if (inPlace) {
            try {
                refused =
                        firewall.countedPackets(
                                firewall.killSwitchFamily(), firewall.killSwitchName());
            } catch (IOException e) {
                refused = -1;
            }
        }
        KillSwitchState state =
                !inPlace
                        ? KillSwitchState.OFF
                        : armed ? KillSwitchState.ARMED : KillSwitchState.BLOCKING;
        return new KillSwitchStatus(state.word(), mode.word(), reason, refused);
    }

    private Path file() {
        return stateDirectory.resolve(FILE_NAME);
    }

    private void record(KillSwitchMode configured, String why, FirewallTable blocking)
            throws IOException {
        recordedReference = firewall.reference();
        StateFiles.writeDurably(
                file(), recordText(configured.word(), why, recordedReference, blocking));
    }

    /** After a change: records the firewall's reference if the change took a new one. */
    private void recordReference(KillSwitchMode configured, String why, FirewallTable blocking)
            throws IOException {
        if (!Objects.equals(recordedReference, firewall.reference())) {
            record(configured, why, blocking);
        }
    }

    private static String recordText(
            String mode, String why, String reference, FirewallTable blocking) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        text.append("mode ").append(mode).append('\n');
        text.append("reason ").append(why.replace('\n', ' ')).append('\n');
        if (reference != null) {
            text.append("reference ").append(reference).append('\n');
        }
        text.append("table ")
                .append(blocking.family())
                .append(' ')
                .append(blocking.name())
                .append('\n');
        text.append(blocking.script());
        return text.toString();
    }

    private static String readRecord(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * {@code sluice recover}'s part: after a daemon stopped or died with a block in place, put back
     * the recorded blocking table (what a live connection was allowed goes with it), or with {@code
     * unblock} take the block away. A block without a record (or a record without a block) is
     * reported and, with {@code unblock}, removed.
     *
     * @return what was found and done, one line each
     */
    public static List<String> recover(Path stateDirectory, Firewall firewall, boolean unblock)
            throws IOException {
        List<String> lines = new ArrayList<>();
        Path file = stateDirectory.resolve(FILE_NAME);
        String recorded = readRecord(file);
        String reference = recorded == null ? null : field(recorded, "reference", null);
        firewall.adoptReference(reference);
        String family = firewall.killSwitchFamily();
        String name = firewall.killSwitchName();
        boolean present = firewall.present(family, name);
        if (recorded == null && !present) {
            return lines;
        }
        if (unblock) {
            firewall.delete(family, name);
            StateFiles.deleteDurably(file);
            lines.add("kill switch: lifted (--unblock); traffic leaves the host as before Sluice");
            return lines;
        }
        FirewallTable blocking = recorded == null ? null : parseTable(recorded, family, name);
        if (blocking == null) {
            lines.add(
                    "kill switch: table "
                            + family
                            + " "
                            + name
                            + " is in place without a record in "
                            + stateDirectory
                            + "; kept (blocking); 'sluice recover --unblock' lifts it");
            return lines;
        }
        firewall.replace(blocking);
        if (!Objects.equals(reference, firewall.reference())) {
            StateFiles.writeDurably(
                    file,
                    recordText(
                            field(recorded, "mode", "?"),
                            field(recorded, "reason", "?"),
                            firewall.reference(),
                            blocking));
        }
        lines.add(
                "kill switch: kept, blocking ("
                        + field(recorded, "reason", "?")
                        + "; KillSwitch = "
                        + field(recorded, "mode", "?")
                        + "); 'sluice recover --unblock' lifts it");
        return lines;
    }

    private static String field(String recorded, String name, String otherwise) {
        for (String line : recorded.split("\n")) {
            if (line.startsWith("table ")) {
                break; // the table's script follows: not the record's fields
            }
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1);
            }
        }
        return otherwise;
    }

    private static FirewallTable parseTable(String recorded, String family, String name) {
        int at = recorded.indexOf("\ntable ");
        if (at < 0) {
            return null;
        }
        int end = recorded.indexOf('\n', at + 1);
        String[] header = recorded.substring(at + 1, end).split(" ");
        if (header.length != 3 || !header[1].equals(family) || !header[2].equals(name)) {
            return null;
        }
        return new FirewallTable(header[1], header[2], recorded.substring(end + 1));
    }
}

package dev.sluice.daemon.platform.darwin;

import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.killswitch.Firewall;
import dev.sluice.daemon.platform.ExternalCommand;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.aggregate.ValueRanges;
import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kill switch on macOS: the pf anchor {@link PfKillSwitchRules#ANCHOR}, through {@code pfctl}.
 *
 * <ul>
 *   <li>{@link #replace}: {@code pfctl -a <anchor> -f -} with the rules on stdin (pfctl swaps the
 *       anchor's ruleset in one transaction), then, unless this object already holds one, {@code
 *       pfctl -E}, which enables pf and returns a reference token ({@code Token : <n>}): pf stays
 *       enabled while any token is held, so Sluice neither disables a pf someone else enabled nor
 *       depends on one it did not.
 *   <li>{@link #delete}: {@code pfctl -a <anchor> -F all}, then {@code pfctl -X <token>}.
 *   <li>The token is the {@link #reference()} the kill switch records: after {@code kill -9}, the
 *       next process {@linkplain #adoptReference adopts} it; its first {@link #replace} takes a
 *       token of its own before giving the recorded one back (so pf is never disabled in between,
 *       and a token that did not survive a reboot costs only a logged warning), and {@link #delete}
 *       gives it back.
 * </ul>
 *
 * Not thread-safe: the kill switch serializes its calls.
 */
public final class PfFirewall implements Firewall {
    private static final Logger LOG = System.getLogger(PfFirewall.class.getName());

    static final String PFCTL = "/sbin/pfctl";
    private static final Pattern TOKEN = Pattern.compile("(?m)^Token\\s*:\\s*(\\d+)\\s*$");
    private static final Pattern PACKETS = Pattern.compile("Packets:\\s*(\\d+)");

    /** Runs a command with {@code stdin} (or none) and returns how it ended. */
    @FunctionalInterface
    public interface Commands {
        ExternalCommand.Result run(List<String> command, String stdin) throws IOException;
    }

    private final Commands commands;
    private final Supplier<String> utun;
    private final int uid;
    private String token;
    private String adopted;

    /**
     * @param commands how pfctl runs (tests give a recording fake)
     * @param utun the daemon's utun now, or null while there is none
     * @param uid the user the daemon runs as (its own datagrams are let through by owner)
     */
    public PfFirewall(Commands commands, Supplier<String> utun, int uid) {
        this.commands = commands;
        this.utun = utun;
        this.uid = uid;
    }

    /** The real pfctl, through {@link ExternalCommand} with its default deadline. */
    static PfFirewall system(Supplier<String> utun) {
        return new PfFirewall(
                (command, stdin) ->
                        ExternalCommand.run(
                                command, stdin, ExternalCommand.DEFAULT_TIMEOUT_MS, "pfctl"),
                utun,
                (int) new com.sun.security.auth.module.UnixSystem().getUid());
    }

    @Override
    public String killSwitchFamily() {
        return PfKillSwitchRules.FAMILY;
    }

    @Override
    public String killSwitchName() {
        return PfKillSwitchRules.ANCHOR;
    }

    @Override
    public FirewallTable killSwitchTable(
            SluiceConfig config,
            List<IpPrefix> localNetworks,
            List<ValueRanges.Range> bypassRanges) {
        return PfKillSwitchRules.anchor(
                utun.get(), uid, config.peers(), localNetworks, bypassRanges);
    }

    @Override
    public void replace(FirewallTable table) throws IOException {
        check(List.of(PFCTL, "-a", table.name(), "-f", "-"), table.script());
        if (token == null) {
            token = parseToken(check(List.of(PFCTL, "-E"), null));
        }
        releaseAdopted();
    }

    @Override
    public void delete(String family, String name) throws IOException {
        if (present(family, name)) {
            check(List.of(PFCTL, "-a", name, "-F", "all"), null);
        }
        if (token != null) {
            check(List.of(PFCTL, "-X", token), null);
            token = null;
        }
        releaseAdopted();
    }

    /**
     * Whether the anchor holds rules. pf answers {@code EINVAL} for an anchor that does not exist
     * (pfctl prints "Invalid argument"): that is "not there" too.
     */
    @Override
    public boolean present(String family, String name) throws IOException {
        List<String> command = List.of(PFCTL, "-a", name, "-s", "rules");
        ExternalCommand.Result result = commands.run(command, null);
        if (result.exitCode() != 0) {
            if (result.output().contains("Invalid argument")) {
                return false;
            }
            throw failed(command, result);
        }
        return hasRules(result.output());
    }

    @Override
    public long countedPackets(String family, String name) throws IOException {
        List<String> command = List.of(PFCTL, "-a", name, "-v", "-s", "rules");
        ExternalCommand.Result result = commands.run(command, null);
        if (result.exitCode() != 0) {
            return 0;
        }
        return refusedPackets(result.output());
    }

    @Override
    public String reference() {
        return token != null ? token : adopted;
    }

    @Override
    public void adoptReference(String recorded) {
        if (recorded != null && !recorded.equals(token)) {
            adopted = recorded;
        }
    }

    /** Gives back a token an earlier process took; one that is gone (a reboot) is only logged. */
    private void releaseAdopted() {
        if (adopted == null) {
            return;
        }
        try {
            check(List.of(PFCTL, "-X", adopted), null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "kill switch: the recorded pf token was not released: " + e);
        }
        adopted = null;
    }

    private String check(List<String> command, String stdin) throws IOException {
        ExternalCommand.Result result = commands.run(command, stdin);
        if (result.exitCode() != 0) {
            throw failed(command, result);
        }
        return result.output();
    }

    private static IOException failed(List<String> command, ExternalCommand.Result result) {
        return new IOException(
                "kill switch: '"
                        + String.join(" ", command)
                        + "' exited "
                        + result.exitCode()
                        + ": "
                        + result.output().strip());
    }

    /**
     * The token in what {@code pfctl -E} printed (on stderr, with pfctl's other remarks such as "No
     * ALTQ support in kernel" and "pf enabled"): the line {@code Token : <n>}, {@code n} an
     * unsigned 64-bit number kept as text.
     *
     * @throws IOException when there is no such line
     */
    static String parseToken(String output) throws IOException {
        Matcher matcher = TOKEN.matcher(output);
        if (!matcher.find()) {
            throw new IOException(
                    "kill switch: '" + PFCTL + " -E' printed no token: " + output.strip());
        }
        return matcher.group(1);
    }

    /** Whether {@code pfctl -s rules} listed a rule (its other lines are remarks). */
    static boolean hasRules(String listing) {
        return listing.lines()
                .anyMatch(line -> line.startsWith("pass ") || line.startsWith("block "));
    }

    /**
     * The packets the anchor's {@code block} rules matched, from {@code pfctl -v -s rules}: each
     * rule is followed by a line {@code [ Evaluations: e Packets: p Bytes: b States: s ]}.
     */
    static long refusedPackets(String listing) {
        long packets = 0;
        boolean block = false;
        for (String line : listing.lines().toList()) {
            if (line.startsWith("pass ") || line.startsWith("block ")) {
                block = line.startsWith("block ");
                continue;
            }
            Matcher matcher = PACKETS.matcher(line);
            if (block && matcher.find()) {
                packets += Long.parseLong(matcher.group(1));
                block = false;
            }
        }
        return packets;
    }
}

package dev.sluice.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Problem;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.control.ControlProtocol;
import dev.sluice.daemon.control.ControlRequest;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.PrefixFormatException;
import dev.sluice.routing.policy.Classification;
import dev.sluice.routing.policy.CompiledPolicy;
import dev.sluice.routing.policy.PolicyCompiler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice classify [--config F] [--json]}: one line per address read from stdin, {@code
 * <address> <tunnel|bypass|drop> <matched-prefix or -> <peer public key or ->}.
 */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Show how the split policy treats each address read from stdin.",
            "",
            "Addresses are read one per line; for each, one line is printed:",
            "  <address> <tunnel|bypass|drop> <matched prefix or -> <peer public key or ->",
            "",
            "The matched prefix is the one that decided, '-' when the mode's default did."
                    + " With --config the answer comes from the file alone (no attached networks,"
                    + " only literal endpoints); otherwise from the running daemon's live table,"
                    + " where an address learned from a DNS answer also shows the name, its"
                    + " TunnelDomains or BypassDomains pattern and the seconds it has left: (<name>"
                    + " under <domain>, expires in <n> s)."
        })
final class ClassifyCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Classify offline with this configuration.")
    Path config;

    @Option(names = "--json", description = "One JSON object per line instead of text.")
    boolean json;

    @Mixin ManagedOptions managed = new ManagedOptions();

    @Mixin SocketOptions socket = new SocketOptions();

    /** Where addresses are read from (stdin; replaced in tests). */
    java.io.InputStream input = System.in;

    @Override
    public Integer call() throws IOException {
        if (config == null) {
            return live();
        }
        ConfigLoader.Result result = ConfigLoader.load(config, managed.sources());
        PrintWriter err = spec.commandLine().getErr();
        for (Problem problem : result.problems()) {
            if (problem.isError()) {
                err.println(problem);
            }
        }
        if (!result.ok()) {
            err.flush();
            return ExitCodes.USAGE;
        }
        SluiceConfig loaded = result.config();
        CompiledPolicy policy = PolicyCompiler.compile(loaded.splitPolicy());
        PrintWriter out = spec.commandLine().getOut();
        Addresses addresses = readAddresses(err);
        for (IpPrefix address : addresses.valid()) {
            Classification c = policy.classify(address);
            String peer =
                    c.peerIndex() < 0
                            ? null
                            : loaded.peers().get(c.peerIndex()).publicKey().toBase64();
            out.println(json ? json(c, peer) : text(c, peer));
        }
        out.flush();
        err.flush();
        return addresses.allValid() ? ExitCodes.OK : ExitCodes.USAGE;
    }

    /** The addresses read from stdin, and whether every non-comment line was one. */
    private record Addresses(List<IpPrefix> valid, boolean allValid) {}

    /** Reads stdin: blank lines and {@code #} comments skipped, bad lines reported by number. */
    private Addresses readAddresses(PrintWriter err) throws IOException {
        List<IpPrefix> valid = new ArrayList<>();
        boolean allValid = true;
        BufferedReader in =
                new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            try {
                valid.add(IpPrefix.parseAddress(text));
            } catch (PrefixFormatException e) {
                err.println("stdin:" + number + ": " + e.getMessage());
                allValid = false;
            }
        }
        return new Addresses(valid, allValid);
    }

    /** Classifies against the running daemon's live table. */
    private int live() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Addresses read = readAddresses(err);
        List<String> addresses = new ArrayList<>();
        read.valid().forEach(address -> addresses.add(address.addressText()));
        DaemonRequests.Outcome outcome =
                DaemonRequests.send(
                        spec,
                        socket,
                        new ControlRequest(ControlProtocol.VERSION, "classify", addresses, null));
        if (!outcome.ok()) {
            return outcome.exitCode();
        }
        PrintWriter out = spec.commandLine().getOut();
        for (JsonNode answer : outcome.reply().result()) {
            if (json) {
                out.println(answer.toString());
            } else {
                out.println(
                        answer.path("address").asText()
                                + " "
                                + answer.path("verdict").asText()
                                + " "
                                + answer.path("matched").asText()
                                + " "
                                + answer.path("peer").asText()
                                + learnedFrom(answer));
            }
        }
        out.flush();
        err.flush();
        return read.allValid() ? ExitCodes.OK : ExitCodes.USAGE;
    }

    /**
     * For an address a DNS answer named, what it was learned from and for how long it lives; when
     * the answer may not change the static verdict, why the address keeps it.
     */
    static String learnedFrom(JsonNode answer) {
        if (!answer.has("domain")) {
            return "";
        }
        String from = answer.path("name").asText() + " under " + answer.path("domain").asText();
        String life = "expires in " + answer.path("expiresInSeconds").asLong() + " s";
        if (answer.has("refused")) {
            return " ("
                    + from
                    + " asked for "
                    + answer.path("learnedVerdict").asText()
                    + ", refused: "
                    + answer.path("refused").asText()
                    + "; "
                    + life
                    + ")";
        }
        return " (" + from + ", " + life + ")";
    }

    static String text(Classification c, String peer) {
        return c.address().addressText()
                + " "
                + c.verdict().label()
                + " "
                + (c.matched() == null ? "-" : c.matched().toString())
                + " "
                + (peer == null ? "-" : peer);
    }

    static String json(Classification c, String peer) {
        ObjectNode node = JSON.createObjectNode();
        node.put("address", c.address().addressText());
        node.put("verdict", c.verdict().label());
        node.put("matched", c.matched() == null ? null : c.matched().toString());
        node.put("peer", peer);
        node.put("source", c.source().label());
        node.put("noPeer", c.noPeer());
        return node.toString();
    }
}

package dev.sluice.daemon.cli;

import dev.sluice.daemon.bugreport.BugReport;
import dev.sluice.daemon.platform.linux.LinuxHostView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice bugreport [-o FILE]}: the support archive. */
@Command(
        name = "bugreport",
        mixinStandardHelpOptions = true,
        description = {
            "Write a support archive that holds no secret key.",
            "",
            "The archive (.tar.gz) holds the version, the effective configuration (keys redacted, a private"
                    + " key shown as its public key) and its managed sources, the daemon's status"
                    + " and metrics, the state directory, Sluice's rules, routes and nftables"
                    + " tables, the resolver setup, the service's recent journal, and checks.txt:"
                    + " the known problems found (strict rp_filter on the uplink, another VPN's"
                    + " rules before Sluice's, a route in main winning over the capture, an"
                    + " unreachable endpoint, a clock far off). Run it as root for a complete"
                    + " report; what could not be collected is listed in the archive."
        })
final class BugReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Where to write the archive (default: sluice-bugreport-<time>.tar.gz).")
    Path output;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            defaultValue = "/etc/sluice/sluice.conf",
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Mixin ManagedOptions managed = new ManagedOptions();

    @Mixin StateDirectoryOption stateDirectory = new StateDirectoryOption();

    @Mixin SocketOptions socket = new SocketOptions();

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        Path file = output != null ? output : Path.of(BugReport.defaultFileName(clock.instant()));
        BugReport.Summary summary =
                BugReport.write(
                        new BugReport.Sources(
                                config,
                                managed.sources(),
                                stateDirectory.path,
                                socket.path,
                                new LinuxHostView(),
                                clock,
                                List.of(
                                        Path.of("/var/lib/dpkg/status"),
                                        Path.of("/var/lib/systemd/timesync/clock"),
                                        config,
                                        stateDirectory.path)),
                        file);
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "sluice bugreport: wrote "
                        + summary.file()
                        + " ("
                        + summary.entries().size()
                        + " files; "
                        + (summary.problems().isEmpty()
                                ? "no known problem found"
                                : summary.problems().size()
                                        + " known problem(s) found, see checks.txt")
                        + (summary.notes().isEmpty()
                                ? ""
                                : "; "
                                        + summary.notes().size()
                                        + " item(s) not collected, see README.txt")
                        + ")");
        out.flush();
        return ExitCodes.OK;
    }
}

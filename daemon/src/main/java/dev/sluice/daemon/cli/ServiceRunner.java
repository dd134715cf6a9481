package dev.sluice.daemon.cli;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.Problem;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.BuildInfo;
import dev.sluice.daemon.connection.SystemRecovery;
import dev.sluice.daemon.control.ControlHandler;
import dev.sluice.daemon.control.ControlServer;
import dev.sluice.daemon.lifecycle.StopSignals;
import dev.sluice.daemon.logging.Logs;
import dev.sluice.daemon.metrics.MetricsEndpoint;
import dev.sluice.daemon.metrics.SluiceMetrics;
import dev.sluice.daemon.platform.Platform;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.daemon.service.ServiceState;
import dev.sluice.daemon.service.TunnelService;
import dev.sluice.daemon.uapi.WireGuardApiServer;
import dev.sluice.routing.journal.Recovery;
import java.io.PrintWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code sluice daemon} and {@code sluice up} share: validate the configuration, recover a
 * journal left behind, start the service, its control socket, the WireGuard API socket and metrics;
 * connect when asked; on SIGTERM/SIGINT undo everything and exit.
 */
final class ServiceRunner {
    private static final Logger LOG = System.getLogger("dev.sluice.daemon.Daemon");

    private ServiceRunner() {}

    static int run(
            CommandSpec spec,
            boolean verbose,
            Path config,
            List<Path> managed,
            Path stateDirectory,
            Path socket,
            boolean connectNow)
            throws Exception {
        Logs.configure(verbose);
        PrintWriter err = spec.commandLine().getErr();
        ConfigLoader.Result loaded = ConfigLoader.load(config, managed);
        if (loaded.ok()) { // a configuration error is the only thing said: nothing starts
            LOG.log(
                    Level.INFO,
                    "sluice "
                            + BuildInfo.version()
                            + " starting: config "
                            + config.toAbsolutePath()
                            + ", pid "
                            + java.lang.management.ManagementFactory.getRuntimeMXBean().getPid());
        }
        for (Problem problem : loaded.problems()) {
            err.println(problem);
        }
        err.flush();
        if (!loaded.ok()) {
            return ExitCodes.USAGE;
        }
        // The one place the daemon picks its platform; everything below is handed it.
        Platform platform = Platforms.current();
        List<String> unsupported = platform.configProblems(loaded.config());
        for (String problem : unsupported) {
            err.println(config + ": " + problem);
        }
        err.flush();
        if (!unsupported.isEmpty()) {
            return ExitCodes.USAGE;
        }
        if (SystemRecovery.needed(stateDirectory)) {
            LOG.log(Level.WARNING, "a previous run did not finish; recovering first");
            Recovery.Report report = SystemRecovery.run(platform, stateDirectory);
            for (String line : SystemRecovery.describe(stateDirectory, report)) {
                LOG.log(report.clean() ? Level.INFO : Level.ERROR, "recover: " + line);
            }
            if (!report.clean()) {
                err.println(
                        "sluice: entries of an earlier run are still in place; see 'sluice recover"
                                + " --state-dir "
                                + stateDirectory
                                + "'");
                err.flush();
                return ExitCodes.FAILURE;
            }
        }
        SluiceConfig initial = loaded.config();
        TunnelService service =
                new TunnelService(
                        () -> ConfigLoader.load(config, managed).orThrow(),
                        config.toAbsolutePath(),
                        stateDirectory,
                        platform);
        try {
            service.start(initial);
        } catch (java.io.IOException e) {
            err.println("sluice: cannot put the kill switch in place: " + e.getMessage());
            err.flush();
            service.close();
            return ExitCodes.FAILURE;
        }
        SluiceMetrics metrics = new SluiceMetrics(service);
        StopSignals signals = StopSignals.install();
        try (service;
                ControlServer control =
                        ControlServer.start(
                                socket, new ControlHandler(service, metrics, BuildInfo.version()));
                WireGuardApiServer wireGuardApi =
                        WireGuardApiServer.start(initial.iface().name(), service);
                MetricsEndpoint endpoint =
                        MetricsEndpoint.start(initial.iface().metricsPort(), metrics)) {
            LOG.log(
                    Level.INFO,
                    "control socket "
                            + control.path()
                            + ", WireGuard API "
                            + (wireGuardApi.path() == null
                                    ? "not served (another process holds its socket)"
                                    : wireGuardApi.path()));
            platform.serviceReady("serving on " + control.path());
            if (connectNow || initial.iface().autoConnect()) {
                service.connect();
                if (connectNow && !awaitOpened(service)) {
                    err.println("sluice up: " + service.error());
                    err.flush();
                    return ExitCodes.FAILURE;
                }
            }
            signals.await();
            platform.serviceStopping();
        }
        return ExitCodes.OK;
    }

    /** For {@code up}: false when the first connect failed before anything carried traffic. */
    private static boolean awaitOpened(TunnelService service) throws InterruptedException {
        while (true) {
            if (service.connection() != null || service.state() == ServiceState.CONNECTED) {
                return true;
            }
            if (service.state() == ServiceState.ERROR) {
                return false;
            }
            Thread.sleep(20);
        }
    }
}

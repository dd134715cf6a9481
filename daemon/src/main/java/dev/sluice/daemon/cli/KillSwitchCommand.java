package dev.sluice.daemon.cli;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.KillSwitchMode;
import dev.sluice.config.Problem;
import dev.sluice.daemon.killswitch.KillSwitch;
import dev.sluice.daemon.platform.linux.LinuxSystemState;
import dev.sluice.daemon.platform.linux.NftFirewall;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice killswitch --boot}: the kill switch of a {@code KillSwitch = always} configuration,
 * put in place without a daemon (the early-boot unit runs it, so nothing leaves before the daemon
 * starts).
 */
@Command(
        name = "killswitch",
        mixinStandardHelpOptions = true,
        description = {
            "Block traffic from boot, as KillSwitch = always asks.",
            "",
            "Puts the kill switch of a configuration with KillSwitch = always in place without"
                    + " a daemon; sluice-killswitch.service runs it at boot, before the network"
                    + " comes up. With other modes it changes nothing."
        })
final class KillSwitchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            defaultValue = "/etc/sluice/sluice.conf",
            description = "Configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = "--boot",
            required = true,
            description = "Block as the configuration asks from boot (KillSwitch = always).")
    boolean boot;

    @Mixin StateDirectoryOption stateDirectory = new StateDirectoryOption();

    @Mixin ManagedOptions managed = new ManagedOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigLoader.Result loaded = ConfigLoader.load(config, managed.sources());
        for (Problem problem : loaded.problems()) {
            err.println(problem);
        }
        err.flush();
        if (!loaded.ok()) {
            return ExitCodes.USAGE;
        }
        KillSwitchMode mode = loaded.config().iface().killSwitch();
        if (mode != KillSwitchMode.ALWAYS) {
            out.println(
                    "KillSwitch = "
                            + mode.word()
                            + " in "
                            + config
                            + ": nothing to put in place at boot");
            out.flush();
            return ExitCodes.OK;
        }
        KillSwitch killSwitch =
                new KillSwitch(
                        stateDirectory.path, new NftFirewall(), LinuxSystemState::attachedNetworks);
        killSwitch.block(loaded.config(), "KillSwitch = always: from boot, before the daemon");
        out.println(
                "kill switch: blocking (KillSwitch = always); the daemon takes over when it"
                        + " starts");
        out.flush();
        return ExitCodes.OK;
    }
}

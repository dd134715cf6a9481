package dev.sluice.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.platform.linux.lab.LabPeer;
import dev.sluice.routing.IpPrefix;
import dev.sluice.testkit.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service definitions pass their platforms' own checkers. */
class ServiceFilesIT {
    private static final Path SOURCES = Path.of("..", "packaging", "src");

    @TempDir Path directory;

    @Test
    void theSystemdUnitShouldVerifyWithoutAWarning() throws Exception {
        Privileged.requireTool("systemd-analyze", "verifies the unit");
        Path launcher =
                Path.of(
                                System.getProperty(
                                        "sluice.distribution", "../packaging/target/sluice"),
                                "bin",
                                "sluice")
                        .toAbsolutePath();
        // The unit as installed, with /usr/bin/sluice pointing at the built launcher and the man
        // page it documents reachable, so that verify checks commands and docs for real.
        String unit =
                Files.readString(SOURCES.resolve("systemd/sluice.service"))
                        .replace("/usr/bin/sluice", launcher.toString());
        Path unitFile = Files.writeString(directory.resolve("sluice.service"), unit);
        Path man = Files.createDirectories(directory.resolve("man/man1"));
        Files.copy(
                launcher.getParent().getParent().resolveSibling("sluice.1.gz"),
                man.resolve("sluice.1.gz"));
        HostCommand verify =
                HostCommand.run(
                        Map.of("MANPATH", directory.resolve("man").toString()),
                        List.of("systemd-analyze", "verify", unitFile.toString()));
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).as("warnings from systemd-analyze verify").isBlank();
        assertThat(unit)
                .contains(
                        "Type=notify",
                        "ExecStartPre=/bin/sh -c 'if [ -n \"$$(ls -A /var/lib/sluice)\" ]; then exec "
                                + launcher
                                + " recover --state-dir /var/lib/sluice; fi'",
                        "ExecStopPost=/bin/sh -c 'if [ -n \"$$(ls -A /var/lib/sluice)\" ]; then exec "
                                + launcher
                                + " recover --state-dir /var/lib/sluice; fi'",
                        "Restart=on-failure",
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "ProtectHome=yes",
                        "PrivateTmp=yes",
                        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK");
    }

    @Test
    void theEarlyBootKillSwitchUnitShouldVerifyAndComeBeforeTheNetwork() throws Exception {
        Privileged.requireTool("systemd-analyze", "verifies the unit");
        Path launcher =
                Path.of(
                                System.getProperty(
                                        "sluice.distribution", "../packaging/target/sluice"),
                                "bin",
                                "sluice")
                        .toAbsolutePath();
        String unit =
                Files.readString(SOURCES.resolve("systemd/sluice-killswitch.service"))
                        .replace("/usr/bin/sluice", launcher.toString());
        Path unitFile = Files.writeString(directory.resolve("sluice-killswitch.service"), unit);
        Path man = Files.createDirectories(directory.resolve("man/man1"));
        Files.copy(
                launcher.getParent().getParent().resolveSibling("sluice.1.gz"),
                man.resolve("sluice.1.gz"));
        HostCommand verify =
                HostCommand.run(
                        Map.of("MANPATH", directory.resolve("man").toString()),
                        List.of("systemd-analyze", "verify", unitFile.toString()));
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).as("warnings from systemd-analyze verify").isBlank();
        assertThat(unit)
                .contains(
                        "Before=network-pre.target",
                        "DefaultDependencies=no",
                        "ExecStart=" + launcher + " killswitch --boot");
    }

    @Test
    void theLaunchdPlistAndTheMdmProfileShouldBeValidAndTheProfileShouldBindAsManagedKeys()
            throws Exception {
        Privileged.requireTool("plistutil", "validates property lists");
        Privileged.requireTool("python3", "extracts the profile's preference payload (plistlib)");
        for (String plist :
                new String[] {"launchd/dev.sluice.daemon.plist", "mdm/dev.sluice.mobileconfig"}) {
            HostCommand check =
                    HostCommand.run(
                            "plistutil",
                            "-i",
                            SOURCES.resolve(plist).toString(),
                            "-o",
                            directory.resolve("out.bin").toString());
            assertThat(check.exitCode()).as(plist + ": " + check.output()).isZero();
        }
        Path launchd = SOURCES.resolve("launchd/dev.sluice.daemon.plist");
        String daemon =
                HostCommand.check(
                        "python3",
                        "-c",
                        "import plistlib,sys; d=plistlib.load(open(sys.argv[1],'rb')); print(d['Label'], d['RunAtLoad'], d['KeepAlive'], ' '.join(d['ProgramArguments']), d['StandardErrorPath'])",
                        launchd.toString());
        assertThat(daemon)
                .contains(
                        "dev.sluice.daemon True {'SuccessfulExit': False}",
                        "/bin/sh -c /usr/local/bin/sluice recover --state-dir"
                                + " /usr/local/var/lib/sluice; exec /usr/local/bin/sluice daemon",
                        "sluice daemon --config",
                        "/usr/local/var/log/sluice.log");

        Path preferences = directory.resolve("dev.sluice.plist");
        HostCommand.check(
                "python3",
                "-c",
                "import plistlib,sys; p=plistlib.load(open(sys.argv[1],'rb'));"
                        + " c=[x for x in p['PayloadContent'] if x['PayloadType']=='com.apple.ManagedClient.preferences'][0];"
                        + " plistlib.dump(c['PayloadContent']['dev.sluice']['Forced'][0]['mcx_preference_settings'], open(sys.argv[2],'wb'), fmt=plistlib.FMT_XML)",
                SOURCES.resolve("mdm/dev.sluice.mobileconfig").toString(),
                preferences.toString());
        Path user =
                LabPeer.secretFile(
                        directory.resolve("sluice.conf"),
                        "[Interface]\nPrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=\nAddress = 10.66.0.2/32\nMTU = 1420\n");
        ConfigLoader.Result loaded = ConfigLoader.load(user, List.of(preferences));
        assertThat(loaded.ok()).as(loaded.problems().toString()).isTrue();
        SluiceConfig config = loaded.config();
        assertThat(config.iface().mtu()).as("managed MTU wins over the user's").isEqualTo(1380);
        assertThat(config.iface().autoConnect()).isTrue();
        assertThat(config.split().tunnel())
                .contains(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("fd00::/8"));
        assertThat(config.peers()).hasSize(1);
        assertThat(config.managedKeys()).isNotEmpty();
    }
}

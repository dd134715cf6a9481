package dev.sluice.daemon.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KillSwitchTest {
    @TempDir Path stateDirectory;

    private final FakeFirewall firewall = new FakeFirewall();

    static SluiceConfig config(String killSwitch, String split) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32, fd66::2/128
                KillSwitch = %s
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 10.0.0.0/8
                Endpoint = 198.18.1.2:51820
                [Split]
                %s
                """
                                .formatted(killSwitch, split))
                .orThrow();
    }

    private KillSwitch killSwitch() {
        return new KillSwitch(
                stateDirectory,
                firewall,
                tun -> List.of(IpPrefix.parse("198.18.0.0/24"), IpPrefix.parse("fd18::/64")));
    }

    @Test
    void aBlockShouldBeRecordedBeforeItIsPutInPlaceAndLiftedWithItsRecord() throws Exception {
        KillSwitch killSwitch = killSwitch();
        killSwitch.block(config("on", ""), "KillSwitch = on: connecting");
        String record = Files.readString(stateDirectory.resolve(KillSwitch.FILE_NAME));
        assertThat(record)
                .startsWith("# sluice kill switch")
                .contains("mode on\n", "reason KillSwitch = on: connecting\n")
                .contains("table inet sluice_killswitch\n" + firewall.killSwitch().script());
        assertThat(firewall.killSwitch().script())
                .contains("elements = { 198.18.0.0/24 }", "elements = { fd18::/64 }");
        assertThat(killSwitch.status())
                .isEqualTo(
                        new KillSwitchStatus("blocking", "on", "KillSwitch = on: connecting", 0));

        killSwitch.release("disconnected by the operator");
        assertThat(firewall.tables).isEmpty();
        assertThat(stateDirectory.resolve(KillSwitch.FILE_NAME)).doesNotExist();
        assertThat(killSwitch.status().state()).isEqualTo("off");
    }

    @Test
    void localNetworksShouldOnlyBeAllowedWhenTheyBypass() throws Exception {
        killSwitch().block(config("on", "LocalNetworks = tunnel"), "connecting");
        assertThat(firewall.killSwitch().script()).doesNotContain("198.18.0.0/24");
    }

    @Test
    void armingShouldAllowTheKernelStrategysBypassRangesButRecordTheBlockWithout()
            throws Exception {
        KillSwitch killSwitch = killSwitch();
        SluiceConfig config = config("on", "Strategy = kernel");
        killSwitch.block(config, "connecting");
        killSwitch.arm(
                config,
                Map.of(
                        IpPrefix.parse("0.0.0.0/0"), Verdict.BYPASS,
                        IpPrefix.parse("10.0.0.0/8"), Verdict.TUNNEL),
                "connected");
        assertThat(firewall.killSwitch().script())
                .contains("elements = { 0.0.0.0-9.255.255.255, 11.0.0.0-255.255.255.255 }");
        assertThat(killSwitch.status().state()).isEqualTo("armed");
        assertThat(Files.readString(stateDirectory.resolve(KillSwitch.FILE_NAME)))
                .as("what stays if the daemon dies")
                .doesNotContain("9.255.255.255");

        // The daemon died: recovery puts the recorded block back, allowances gone.
        List<String> report = KillSwitch.recover(stateDirectory, firewall, false);
        assertThat(report)
                .containsExactly(
                        "kill switch: kept, blocking (connected; KillSwitch = on);"
                                + " 'sluice recover --unblock' lifts it");
        assertThat(firewall.killSwitch().script()).doesNotContain("9.255.255.255");
        assertThat(KillSwitch.recover(stateDirectory, firewall, true))
                .containsExactly(
                        "kill switch: lifted (--unblock); traffic leaves the host as before"
                                + " Sluice");
        assertThat(firewall.tables).isEmpty();
        assertThat(stateDirectory.resolve(KillSwitch.FILE_NAME)).doesNotExist();
        assertThat(KillSwitch.recover(stateDirectory, firewall, false)).isEmpty();
    }

    @Test
    void aRecordWithoutItsTableShouldBlockAgainOnRecovery() throws Exception {
        killSwitch().block(config("on", ""), "connecting");
        firewall.tables.clear(); // died between the record and the change, or flushed by others
        assertThat(KillSwitch.recover(stateDirectory, firewall, false)).hasSize(1);
        assertThat(firewall.killSwitch()).isNotNull();
    }

    @Test
    void aTableWithoutRecordShouldBeKeptAndReported() throws Exception {
        killSwitch().block(config("on", ""), "connecting");
        Files.delete(stateDirectory.resolve(KillSwitch.FILE_NAME));
        assertThat(KillSwitch.recover(stateDirectory, firewall, false))
                .singleElement()
                .asString()
                .contains("without a record", "kept (blocking)");
        assertThat(firewall.killSwitch()).isNotNull();
    }

    @Test
    void aDaemonStartingShouldAdoptAnEarlierBlockUnlessTheModeIsOffNow() throws Exception {
        killSwitch().block(config("on", ""), "connecting");
        KillSwitch next = killSwitch();
        next.adopt(config("on", "").iface().killSwitch());
        assertThat(next.status().state()).isEqualTo("blocking");
        assertThat(next.status().reason()).contains("kept from an earlier run");

        KillSwitch off = killSwitch();
        off.adopt(config("off", "").iface().killSwitch());
        assertThat(firewall.tables).isEmpty();
        assertThat(off.status().state()).isEqualTo("off");
    }

    @Test
    void theFirewallsReferenceShouldBeRecordedSoThatRecoveryCanGiveItBack() throws Exception {
        firewall.takesReferences = true;
        Path record = stateDirectory.resolve(KillSwitch.FILE_NAME);
        killSwitch().block(config("on", ""), "connecting");
        assertThat(firewall.transcript)
                .containsExactly("replace inet sluice_killswitch", "take token-1");
        assertThat(Files.readString(record)).contains("reason connecting\nreference token-1\n");

        // kill -9: recovery keeps the block under a reference of its own, then gives the old back
        FakeFirewall recovery = after(firewall);
        assertThat(KillSwitch.recover(stateDirectory, recovery, false)).hasSize(1);
        assertThat(recovery.transcript)
                .containsExactly(
                        "replace inet sluice_killswitch", "take token-2", "give back token-1");
        assertThat(Files.readString(record))
                .contains("reason connecting\nreference token-2\n")
                .doesNotContain("token-1");

        // the next process lifts it and gives back the reference the last one recorded
        FakeFirewall unblock = after(recovery);
        assertThat(KillSwitch.recover(stateDirectory, unblock, true)).hasSize(1);
        assertThat(unblock.transcript)
                .containsExactly("delete inet sluice_killswitch", "give back token-2");
        assertThat(record).doesNotExist();
    }

    @Test
    void aDaemonStartingWithoutTheTableShouldGiveBackTheRecordedReference() throws Exception {
        firewall.takesReferences = true;
        killSwitch().block(config("on", ""), "connecting");
        FakeFirewall next = after(firewall);
        next.tables.clear(); // pf's anchor flushed by someone else
        new KillSwitch(stateDirectory, next, tun -> List.of())
                .adopt(config("on", "").iface().killSwitch());
        assertThat(next.transcript).containsExactly("give back token-1");
        assertThat(stateDirectory.resolve(KillSwitch.FILE_NAME)).doesNotExist();
    }

    /** The firewall a later process sees: the same tables, references numbered on. */
    private static FakeFirewall after(FakeFirewall earlier) {
        FakeFirewall later = new FakeFirewall();
        later.tables.putAll(earlier.tables);
        later.takesReferences = true;
        later.references = earlier.references;
        return later;
    }
}

package dev.sluice.routing.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Re-applying what another program removed, and tolerating what it already undid. */
class RouteManagerRepairTest {
    private static final RuleEntry CAPTURE = new RuleEntry(IpFamily.IPV4, 5400, null, 0, -1, 51820);
    private static final RuleEntry OWN = new RuleEntry(IpFamily.IPV4, 5200, null, 0x51c, -1, 254);
    private static final RouteEntry DEFAULT =
            RouteEntry.viaDevice(IpPrefix.parse("0.0.0.0/0"), "sluice0", 51820);
    private static final DesiredState CONNECTED =
            new DesiredState(
                    Set.of(DEFAULT),
                    Set.of(OWN, CAPTURE),
                    List.of(new SysctlEntry("net.ipv4.ip_forward", "1")),
                    null);

    @Test
    void lostEntriesShouldBeReappliedThroughTheJournalAndNothingElse() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        List<Operation> journaled = new ArrayList<>();
        RouteManager manager = new RouteManager(backend, journaled::add);
        manager.set(CONNECTED);
        backend.clear();
        journaled.clear();
        RuleEntry stranger = new RuleEntry(IpFamily.IPV4, 100, null, 0, -1, 7);
        List<Operation> applied =
                manager.reapply(
                        new DesiredState(
                                Set.of(),
                                Set.of(CAPTURE, stranger),
                                List.of(new SysctlEntry("net.ipv4.ip_forward", "1")),
                                null));
        assertThat(backend.transcript())
                .isEqualTo(
                        """
                sysctl net.ipv4.ip_forward=1 (was 0)
                rule add ipv4 pref 5400 lookup 51820
                """);
        assertThat(applied).hasSize(2).isEqualTo(journaled);
        assertThat(manager.operationsApplied()).as("4 to connect, 2 to repair").isEqualTo(6);
        assertThat(manager.current()).isEqualTo(CONNECTED);
    }

    @Test
    void disconnectShouldSucceedWhenAnotherProgramAlreadyDeletedARule() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        RouteManager manager = new RouteManager(backend);
        manager.set(CONNECTED);
        backend.clear();
        backend.alreadyInPlace("rule del ipv4 pref 5400");
        manager.set(DesiredState.EMPTY);
        assertThat(manager.current().isEmpty()).isTrue();
        assertThat(backend.transcript())
                .contains(
                        "rule del ipv4 pref 5200",
                        "route del 0.0.0.0/0",
                        "sysctl net.ipv4.ip_forward=0");
    }
}

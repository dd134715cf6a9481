package dev.sluice.routing.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.DesiredState;
import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.manager.RuleEntry;
import dev.sluice.routing.manager.SysctlEntry;
import dev.sluice.routing.manager.TranscriptBackend;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final FirewallTable FIREWALL =
            new FirewallTable(
                    "inet",
                    "sluice",
                    "\tchain output {\n\t\toifname \"sluice0\" notrack # a \\ backslash\n\t}\n");
    private static final DesiredState CONNECTED =
            new DesiredState(
                    Set.of(
                            RouteEntry.viaDevice(IpPrefix.parse("0.0.0.0/0"), "sluice0", 51820),
                            new RouteEntry(
                                    IpPrefix.parse("fd19::/64"), RouteType.THROW, null, 51820)),
                    Set.of(
                            new RuleEntry(IpFamily.IPV4, 5100, "sluice0", 0, -1, 254),
                            new RuleEntry(IpFamily.IPV6, 5200, null, 0x51c, 0, 51820)),
                    List.of(new SysctlEntry("net.ipv4.ip_forward", "1")),
                    FIREWALL);

    @TempDir Path directory;

    @Test
    void everyKindOfOperationShouldSurviveTheCodec() {
        List<Operation> operations =
                List.of(
                        new Operation.AddRoute(
                                RouteEntry.viaDevice(IpPrefix.parse("10.0.0.0/8"), "sluice0", 7)),
                        new Operation.DeleteRoute(
                                new RouteEntry(
                                        IpPrefix.parse("2001:db8::/32"),
                                        RouteType.PROHIBIT,
                                        null,
                                        51820)),
                        new Operation.AddRule(new RuleEntry(IpFamily.IPV6, 5300, null, 0, 0, 254)),
                        new Operation.DeleteRule(
                                new RuleEntry(IpFamily.IPV4, 5100, "tun\t0", 0x51c, -1, 51820)),
                        new Operation.SetSysctl("net.ipv4.ip_forward", "1", "0"),
                        new Operation.AddFirewall(FIREWALL),
                        new Operation.DeleteFirewall(FIREWALL),
                        new Operation.ReplaceFile(
                                "/etc/resolv.conf",
                                "nameserver 10.66.0.2\n# written by sluice\n".getBytes(),
                                new byte[] {'n', 0, (byte) 0xff, '\t', '\n'}),
                        new Operation.SetLinkDns(
                                "sluice0", List.of("10.66.0.2"), List.of("~corp.example", "~.")),
                        new Operation.RevertLinkDns("sluice0", List.of("10.66.0.2"), List.of()));
        for (Operation operation : operations) {
            String line = OperationCodec.encode(operation);
            assertThat(line).doesNotContain("\n");
            assertThat(OperationCodec.decode(line)).isEqualTo(operation);
        }
        assertThatThrownBy(() -> OperationCodec.decode("route-add\t10.0.0.0/8"))
                .hasMessageContaining("'route-add' record has 2 fields, not 5");
        assertThatThrownBy(() -> OperationCodec.decode("file\t/etc/resolv.conf\t!!\t"))
                .hasMessageContaining("field 2 of 'file' is not base64");
        assertThatThrownBy(() -> OperationCodec.decode("reboot"))
                .hasMessageContaining("unknown operation 'reboot'");
    }

    @Test
    void theJournalShouldHoldTheInverseOfEveryAppliedOperationInOrder() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        Journal journal = Journal.create(directory);
        new RouteManager(backend, journal).set(CONNECTED);
        journal.close();

        JournalReader.Contents contents = JournalReader.read(directory.resolve("journal"));
        assertThat(contents.problems()).isEmpty();
        assertThat(contents.inverses()).hasSize(6);
        assertThat(contents.inverses().get(0))
                .isEqualTo(new Operation.SetSysctl("net.ipv4.ip_forward", "0", "1"));
        assertThat(contents.inverses().get(1)).isEqualTo(new Operation.DeleteFirewall(FIREWALL));

        // Undoing newest first is exactly a disconnect.
        TranscriptBackend undo = new TranscriptBackend();
        Recovery.Report report = Recovery.recover(directory, undo, sysctls -> live());
        TranscriptBackend disconnect = new TranscriptBackend();
        RouteManager manager = new RouteManager(disconnect);
        manager.set(CONNECTED);
        disconnect.clear();
        manager.set(DesiredState.EMPTY);
        assertThat(undo.transcript()).isEqualTo(disconnect.transcript());
        assertThat(report.undone()).isEqualTo(6);
        assertThat(report.clean()).isTrue();
        assertThat(directory.resolve("journal")).doesNotExist();
    }

    @Test
    void aTornLastRecordShouldBeSkippedAndReported() throws Exception {
        Journal journal = Journal.create(directory);
        new RouteManager(new TranscriptBackend(), journal).set(CONNECTED);
        journal.close();
        Path file = directory.resolve("journal");
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 7); // the crash hit mid-write of the last record
        }
        JournalReader.Contents torn = JournalReader.read(file);
        assertThat(torn.inverses()).hasSize(5);
        assertThat(torn.problems())
                .singleElement()
                .asString()
                .contains(file + ":7: torn last record (no newline)");

        // A flipped byte with the newline intact: the checksum catches it.
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] = '\n';
        bytes[bytes.length - 3] ^= 1;
        Files.write(file, bytes);
        assertThat(JournalReader.read(file).problems())
                .singleElement()
                .asString()
                .contains(":7: torn last record (bad checksum)");
    }

    @Test
    void aFailedJournalWriteShouldRefuseTheOperationAndRollBack() throws Exception {
        TranscriptBackend backend = new TranscriptBackend();
        RouteManager manager =
                new RouteManager(
                        backend,
                        new RouteManager.OperationListener() {
                            int count;

                            @Override
                            public void beforeApply(Operation operation) throws RouteException {
                                if (++count == 3) {
                                    throw new RouteException("journal: No space left on device");
                                }
                            }
                        });
        assertThatThrownBy(() -> manager.set(CONNECTED))
                .hasMessageContaining("No space left on device");
        assertThat(manager.current().isEmpty()).isTrue();
        assertThat(backend.transcript())
                .as("the third operation never ran; the first two were undone")
                .hasLineCount(4);
    }

    @Test
    void aJournalThatCannotBeCreatedShouldFailNamingThePath() throws Exception {
        Path notADirectory = directory.resolve("file");
        Files.writeString(notADirectory, "x");
        assertThatThrownBy(() -> Journal.create(notADirectory))
                .isInstanceOf(RouteException.class)
                .hasMessageContaining(
                        "cannot write the journal " + notADirectory.resolve("journal"))
                .hasMessageContaining("nothing was changed");
        Journal.create(directory).close();
        assertThatThrownBy(() -> Journal.create(directory))
                .hasMessageContaining("run 'sluice recover --state-dir " + directory + "' first");
    }

    @Test
    void recoveryShouldSortDifferencesIntoOursAndSomeoneElses() throws Exception {
        Ownership ownership =
                new Ownership(83, "sluice0", 51820, "inet sluice", Set.of("net.ipv4.ip_forward"));
        SystemStateReader before = sysctls -> live();
        Journal journal = StateDirectory.begin(directory, ownership, before);
        journal.close();
        SystemSnapshot after =
                new SystemSnapshot(
                        java.util.Map.of(
                                "rules ipv4",
                                List.of(
                                        "ipv4 pref 0 lookup local",
                                        "ipv4 pref 5100 iif sluice0 lookup main proto 83",
                                        "ipv4 pref 32766 lookup main"),
                                "routes ipv4",
                                List.of("table main default via 198.18.0.1 dev eth0 proto boot"),
                                "sysctls",
                                List.of("net.ipv4.ip_forward=1"),
                                Ownership.DNS_SECTION,
                                List.of(
                                        "/etc/resolv.conf nameserver 10.66.0.2\n# "
                                                + Ownership.DNS_MARK
                                                + "\n")));
        Recovery.Report report =
                Recovery.recover(directory, new TranscriptBackend(), sysctls -> after);
        assertThat(report.differences())
                .extracting(Difference::toString)
                .containsExactlyInAnyOrder(
                        "ours: added to rules ipv4: ipv4 pref 5100 iif sluice0 lookup main proto 83",
                        "someone else's: missing from routes ipv4: table main 198.18.0.0/24 dev eth0"
                                + " proto kernel scope link",
                        "ours: missing from sysctls: net.ipv4.ip_forward=0",
                        "ours: added to sysctls: net.ipv4.ip_forward=1",
                        "someone else's: missing from dns: /etc/resolv.conf nameserver 192.0.2.53",
                        "ours: added to dns: /etc/resolv.conf nameserver 10.66.0.2 # "
                                + Ownership.DNS_MARK);
        assertThat(report.clean()).isFalse();
        assertThat(directory.resolve("snapshot")).as("kept for another attempt").exists();
    }

    @Test
    void shouldKeepTheJournalWhenATornResolverFileCannotBeRestored() throws Exception {
        Ownership ownership = new Ownership(83, "sluice0", 51820, "inet sluice", Set.of());
        String original = "nameserver 192.0.2.53\nsearch example.net\n";
        String ours = "# " + Ownership.DNS_MARK + "\nnameserver 10.66.0.2\n";
        Journal journal =
                StateDirectory.begin(directory, ownership, sysctls -> resolvConf(original));
        journal.beforeApply(
                new Operation.ReplaceFile(
                        "/etc/resolv.conf",
                        ours.getBytes(StandardCharsets.ISO_8859_1),
                        original.getBytes(StandardCharsets.ISO_8859_1)));
        journal.close();
        // The process died 1 byte into the write: "#" over "n", the mark not yet there.
        String torn = "#" + original.substring(1);
        RouteBackend readOnly =
                new RouteBackend() {
                    @Override
                    public void apply(Operation operation) throws RouteException {
                        throw new RouteException(
                                "cannot write /etc/resolv.conf: Read-only file system");
                    }

                    @Override
                    public String readSysctl(String key) {
                        throw new UnsupportedOperationException();
                    }
                };

        Recovery.Report report = Recovery.recover(directory, readOnly, sysctls -> resolvConf(torn));
        assertThat(report.problems()).singleElement().asString().contains("Read-only file system");
        assertThat(report.differences())
                .extracting(Difference::toString)
                .contains(
                        "ours: added to dns: /etc/resolv.conf #ameserver 192.0.2.53 search"
                                + " example.net");
        assertThat(report.clean()).as("a torn file of ours is not a clean state").isFalse();
        assertThat(directory.resolve("journal")).as("kept for another attempt").exists();

        Recovery.Report otherProgram =
                Recovery.recover(
                        directory, readOnly, sysctls -> resolvConf("nameserver 192.0.2.99\n"));
        assertThat(otherProgram.clean())
                .as("a file another program wrote is someone else's, as before")
                .isTrue();
    }

    private static SystemSnapshot resolvConf(String content) {
        return new SystemSnapshot(
                java.util.Map.of(Ownership.DNS_SECTION, List.of("/etc/resolv.conf " + content)));
    }

    private static SystemSnapshot live() {
        return new SystemSnapshot(
                java.util.Map.of(
                        "rules ipv4",
                        List.of("ipv4 pref 0 lookup local", "ipv4 pref 32766 lookup main"),
                        "routes ipv4",
                        List.of(
                                "table main default via 198.18.0.1 dev eth0 proto boot",
                                "table main 198.18.0.0/24 dev eth0 proto kernel scope link"),
                        "sysctls",
                        List.of("net.ipv4.ip_forward=0"),
                        Ownership.DNS_SECTION,
                        List.of("/etc/resolv.conf nameserver 192.0.2.53\n")));
    }
}

package dev.sluice.it.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.platform.linux.lab.LabTopology;
import dev.sluice.it.cli.Launcher;
import dev.sluice.testkit.Privileged;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabCommandIT {
    private static final String PREFIX = "slab" + ProcessHandle.current().pid() % 10_000;

    @BeforeEach
    void requirements() {
        Privileged.requireNetworkNamespaces();
        Privileged.requireTool("wireguard-go", "the default lab peer");
        Privileged.requireTool("iperf3", "the lab's transfers");
        Privileged.requireTool("dnsmasq", "the lab's resolvers (split DNS)");
    }

    @ParameterizedTest(name = "peer: {0}")
    @ValueSource(strings = {"wireguard-go", "sluice"})
    void theLabShouldShowCorpTrafficInTheTunnelAndInternetTrafficBypassingIt(String peer)
            throws Exception {
        Launcher.Result lab =
                Launcher.run("", "lab", "--peer", peer, "--prefix", PREFIX, "--seconds", "1");
        String all = lab.out() + lab.err();
        assertThat(lab.exitCode()).as(all).isZero();
        assertThat(lab.err())
                .contains("==> building namespaces", "==> starting Sluice", "==> tearing down");
        assertThat(lab.out())
                .contains(
                        "handshake completed",
                        "Every flow and every name went where the split policy says.")
                .containsPattern(
                        "corp 10\\.60\\.32\\.10 +tunnel +tunnel \\(from 10\\.66\\.0\\.2\\) +[0-9.]+")
                .containsPattern("corp fd11:1d80:c67a::10 +tunnel +tunnel \\(from fd66::2\\)")
                .containsPattern(
                        "internet 198\\.19\\.0\\.10 +bypass +bypass \\(from 198\\.18\\.0\\.2\\)")
                .containsPattern("internet fd19::10 +bypass +bypass \\(from fd18::2\\)")
                .containsPattern(
                        "www\\.corp\\.example +tunnel +corp \\(from 10\\.66\\.0\\.2\\) +10\\.60\\.32\\.10\n")
                .containsPattern(
                        "www\\.example\\.org +bypass +internet \\(from 198\\.18\\.0\\.2\\)"
                                + " +198\\.19\\.0\\.10\n")
                .contains("865 forwarding prefixes");
        assertThat(LabTopology.existing(PREFIX)).as("namespaces left behind").isEmpty();
        assertThat(java.nio.file.Path.of("/etc/netns", PREFIX + "-client"))
                .as("the client's resolver file is removed with the lab")
                .doesNotExist();
    }

    @Test
    void aTakenNamespaceNameShouldBeRefusedAndKeepThenCleanShouldWork() throws Exception {
        Launcher.Result kept =
                Launcher.run("", "lab", "--prefix", PREFIX, "--seconds", "1", "--keep");
        try {
            assertThat(kept.exitCode()).as(kept.out() + kept.err()).isZero();
            assertThat(kept.out())
                    .contains(
                            "ip netns exec " + PREFIX + "-client bash",
                            "sluice lab --clean --prefix " + PREFIX);
            assertThat(LabTopology.existing(PREFIX)).hasSize(5);

            Launcher.Result refused = Launcher.run("", "lab", "--prefix", PREFIX);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("network namespace " + PREFIX + "-client")
                    .contains("already exists");
        } finally {
            Launcher.Result clean = Launcher.run("", "lab", "--clean", "--prefix", PREFIX);
            assertThat(clean.exitCode()).isZero();
            assertThat(clean.out()).contains("removed " + PREFIX + "-client");
        }
        assertThat(LabTopology.existing(PREFIX)).isEqualTo(List.of());
    }
}

package dev.sluice.daemon.platform.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvedTest {
    @Test
    void theServersOfEveryOtherLinkAndTheGlobalOnesShouldBeRead() throws Exception {
        String output =
                "Global: 9.9.9.9#dns.quad9.net\n"
                        + "Link 2 (eth0): 192.0.2.53 2001:db8::53%2\n"
                        + "Link 3 (wlan0):\n"
                        + "Link 9 (sluice0): 10.66.0.2\n";
        assertThat(Resolved.parseServers(output, "sluice0"))
                .containsExactly(
                        InetAddress.getByName("9.9.9.9"),
                        InetAddress.getByName("192.0.2.53"),
                        InetAddress.getByName("2001:db8::53"));
    }

    @Test
    void aLinkShouldGetItsServersItsRoutingDomainsAndADefaultRouteOnlyForAFullTunnel() {
        assertThat(
                        Resolved.setLinkCommands(
                                "sluice0", List.of("10.66.0.2"), List.of("~corp.example")))
                .extracting(command -> String.join(" ", command))
                .containsExactly(
                        "resolvectl dns sluice0 10.66.0.2",
                        "resolvectl domain sluice0 ~corp.example",
                        "resolvectl default-route sluice0 false");
        assertThat(
                        Resolved.setLinkCommands(
                                        "sluice0",
                                        List.of("10.66.0.2"),
                                        List.of("~isp.example", "~."))
                                .get(2))
                .containsExactly("resolvectl", "default-route", "sluice0", "true");
    }

    @Test
    void aPlainFileShouldNotCountAsManagedByResolved(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("resolv.conf"), "");
        assertThat(Resolved.manages(file)).isFalse();
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, file);
        assertThat(Resolved.manages(link))
                .as("links elsewhere than /run/systemd/resolve")
                .isFalse();
    }
}

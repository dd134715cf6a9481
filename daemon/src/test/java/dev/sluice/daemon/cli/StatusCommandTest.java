package dev.sluice.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.managed.ManagedSources;
import dev.sluice.daemon.control.ControlProtocol;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.daemon.service.TunnelService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice status} names every managed key and its source, in JSON and in the table. */
class StatusCommandTest {
    private static final String PRIVATE = "UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=";
    private static final String PEER = "CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=";

    @TempDir Path dir;

    private JsonNode status(TunnelService.ConfigSource configs) {
        try (TunnelService service =
                new TunnelService(
                        configs,
                        dir.resolve("sluice.conf"),
                        dir.resolve("state"),
                        Platforms.current())) {
            return ControlProtocol.JSON.valueToTree(service.status());
        }
    }

    private static String text(JsonNode status) {
        StringWriter out = new StringWriter();
        StatusCommand.print(new PrintWriter(out), status);
        return out.toString();
    }

    @Test
    void shouldListEachManagedKeyWithItsSourceWhenDisconnected() throws Exception {
        Path user = dir.resolve("sluice.conf");
        Files.writeString(
                user,
                """
                [Interface]
                PrivateKey = %s
                Address = 10.66.0.2/32
                MTU = 1420
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.0/8
                PersistentKeepalive = 25
                [Split]
                Tunnel = 10.60.0.0/16
                """
                        .formatted(PRIVATE, PEER));
        Files.setPosixFilePermissions(user, PosixFilePermissions.fromString("rw-------"));
        Path managed = Files.createDirectory(dir.resolve("managed.d"));
        Path fleet =
                Files.writeString(
                        managed.resolve("10-fleet.conf"),
                        "[Interface]\nMTU = 1380\n[Split]\nTunnel = 10.60.0.0/16, 10.70.0.0/16\n");
        Path peer =
                Files.writeString(
                        managed.resolve("20-peer.conf"),
                        "[Peer]\nPublicKey = " + PEER + "\nPersistentKeepalive = 15\n");

        JsonNode status =
                status(
                        () ->
                                ConfigLoader.load(user, ManagedSources.discover(managed, null))
                                        .orThrow());

        List<String> json = new ArrayList<>();
        status.path("managedKeys")
                .forEach(k -> json.add(k.path("key").asText() + " " + k.path("source").asText()));
        assertThat(json)
                .containsExactly(
                        "Interface.MTU " + fleet,
                        "Peer(" + PEER + ").PersistentKeepalive " + peer,
                        "Peer(" + PEER + ").PublicKey " + peer,
                        "Split.Tunnel " + fleet);
        assertThat(text(status).lines())
                .contains(
                        "managed:    Interface.MTU from " + fleet,
                        "managed:    Peer(" + PEER + ").PersistentKeepalive from " + peer,
                        "managed:    Split.Tunnel from " + fleet)
                .doesNotContain("managed:    Interface.Address from " + fleet);
    }

    @Test
    void shouldListNoManagedKeysWhenTheConfigurationDoesNotLoad() {
        JsonNode status =
                status(
                        () -> {
                            throw new IllegalStateException("sluice.conf:3: no PrivateKey");
                        });
        assertThat(status.path("managedKeys").isArray()).isTrue();
        assertThat(status.path("managedKeys")).isEmpty();
        assertThat(text(status)).contains("state:      disconnected").doesNotContain("managed:");
    }
}

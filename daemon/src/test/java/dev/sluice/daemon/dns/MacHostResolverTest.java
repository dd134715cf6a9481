package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.daemon.platform.darwin.DarwinHostDns;
import dev.sluice.daemon.platform.darwin.DynamicStoreDns;
import dev.sluice.daemon.platform.darwin.FakeScutil;
import dev.sluice.daemon.platform.darwin.Mac;
import dev.sluice.daemon.platform.darwin.ScutilScript;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split DNS on macOS: resolver files per domain, a dynamic-store entry for every name. */
class MacHostResolverTest {
    private static final String KEY = "State:/Network/Service/dev.sluice/DNS";

    @TempDir Path resolver;

    private final FakeScutil scutil =
            new FakeScutil()
                    .withKey(
                            ScutilScript.GLOBAL_DNS, "ServerAddresses", "192.168.1.1", "10.66.0.2");
    private final List<String> journal = new ArrayList<>();
    private final RouteBackend backend =
            Mac.backend(Mac.onEn0(), new DarwinHostDns(new DynamicStoreDns(scutil)));

    private static SluiceConfig config(String split) throws Exception {
        return ConfigLoader.loadText(
                        "t.conf",
                        """
                [Interface]
                PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                Address = 10.66.0.2/32
                DNS = 10.66.0.53, corp.example.com
                [Peer]
                PublicKey = CpMPCwQjsiXds8QsQFXxl6O0FEdkhOFvwb01+mB3GHo=
                AllowedIPs = 0.0.0.0/0
                [Split]
                """
                                + split)
                .orThrow();
    }

    private HostResolver configure(SluiceConfig config) throws Exception {
        return new MacHostResolver(resolver, new DynamicStoreDns(scutil))
                .configure(
                        "utun9",
                        List.of(InetAddress.getByName("10.66.0.2")),
                        DomainRules.of(config),
                        config.iface().dnsSearchDomains(),
                        backend,
                        operation -> journal.add(operation.inverse().toString()));
    }

    @Test
    void shouldWriteOneMarkedFilePerDomainAndNoStoreEntryWithoutAFullTunnel() throws Exception {
        HostResolver host =
                configure(config("TunnelDomains = *.internal.example\nBypassDomains = zoom.us\n"));
        assertThat(host.mode()).isEqualTo(HostResolver.Mode.MACOS);
        assertThat(host.originalServers())
                .as("the forwarder itself is not an original")
                .extracting(InetAddress::getHostAddress)
                .containsExactly("192.168.1.1");
        try (var files = Files.list(resolver)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("corp.example.com", "internal.example", "zoom.us");
        }
        assertThat(Files.readString(resolver.resolve("internal.example")))
                .startsWith("# written by sluice")
                .endsWith("nameserver 10.66.0.2\n");
        assertThat(scutil.has(KEY)).isFalse();
        assertThat(journal).hasSize(3).allMatch(line -> line.startsWith("write " + resolver));
        host.restore();
        try (var files = Files.list(resolver)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldMakeTheForwarderTheGlobalResolverInAFullTunnel() throws Exception {
        HostResolver host = configure(config("Mode = exclude\n"));
        assertThat(scutil.has(KEY)).isTrue();
        assertThat(scutil.commands())
                .contains("d.add SupplementalMatchDomains * \"\"", "add " + KEY + " temporary");
        assertThat(journal).last().asString().isEqualTo("resolved revert dev.sluice");
        host.restore();
        assertThat(scutil.has(KEY)).isFalse();
    }

    @Test
    void shouldUndoTheFilesAlreadyWrittenWhenALaterStepFails() throws Exception {
        Files.createDirectories(resolver);
        Files.writeString(resolver.resolve("zoom.us"), "nameserver 192.0.2.53\n");
        RouteBackend failing =
                new RouteBackend() {
                    @Override
                    public void apply(Operation operation) throws RouteException {
                        if (operation.toString().contains("zoom.us")) {
                            throw new RouteException(operation + ": disk full");
                        }
                        backend.apply(operation);
                    }

                    @Override
                    public String readSysctl(String key) throws RouteException {
                        return backend.readSysctl(key);
                    }
                };
        SluiceConfig config = config("TunnelDomains = a.example\nBypassDomains = zoom.us\n");
        assertThatThrownBy(
                        () ->
                                new MacHostResolver(resolver, new DynamicStoreDns(scutil))
                                        .configure(
                                                "utun9",
                                                List.of(InetAddress.getByName("10.66.0.2")),
                                                DomainRules.of(config),
                                                config.iface().dnsSearchDomains(),
                                                failing,
                                                operation -> {}))
                .hasMessageContaining("disk full");
        try (var files = Files.list(resolver)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("zoom.us");
        }
        assertThat(Files.readString(resolver.resolve("zoom.us")))
                .isEqualTo("nameserver 192.0.2.53\n");
    }
}

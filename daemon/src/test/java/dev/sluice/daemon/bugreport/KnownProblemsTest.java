package dev.sluice.daemon.bugreport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownProblemsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PEER = PrivateKey.generate(RANDOM).publicKey().toBase64();

    @TempDir Path directory;

    private static SluiceConfig config(String split) {
        ConfigLoader.Result result =
                ConfigLoader.loadText(
                        "test.conf",
                        "[Interface]\nPrivateKey = "
                                + PrivateKey.generate(RANDOM).toBase64()
                                + "\nAddress = 10.66.0.2/32\n[Peer]\nPublicKey = "
                                + PEER
                                + "\nEndpoint = 192.0.2.200:51820\nAllowedIPs = 10.0.0.0/8\n"
                                + split);
        assertThat(result.ok()).as(result.problems().toString()).isTrue();
        return result.config();
    }

    private static List<String> find(SluiceConfig config, JsonNode status, FakeHost host) {
        return KnownProblems.find(config, status, host, NOW, List.of());
    }

    @Test
    void shouldFindNothingWhenTheHostIsHealthy() {
        assertThat(find(config(""), null, new FakeHost())).isEmpty();
    }

    @Test
    void shouldReportStrictReversePathFilteringWhenTheUplinkHasIt() {
        FakeHost host = new FakeHost();
        host.sysctls.put("net.ipv4.conf.all.rp_filter", "0");
        host.sysctls.put("net.ipv4.conf.eth0.rp_filter", "1");
        assertThat(find(config(""), null, host))
                .singleElement()
                .asString()
                .startsWith("reverse-path filtering is strict on the uplink eth0")
                .contains("net.ipv4.conf.eth0.rp_filter=1", "set it to 2 (loose)");
        host.sysctls.put("net.ipv4.conf.eth0.rp_filter", "2");
        assertThat(find(config(""), null, host)).isEmpty();
    }

    @Test
    void shouldReportAnotherVpnsRuleWhenItComesBeforeTheCapture() {
        FakeHost host = new FakeHost();
        host.rules4 =
                "0:\tfrom all lookup local\n"
                        + "5100:\tfrom all iif sluice0 lookup main\n"
                        + "5270:\tfrom all lookup 52\n"
                        + "5400:\tfrom all lookup 51820\n"
                        + "32764:\tfrom all lookup main suppress_prefixlength 0\n"
                        + "32766:\tfrom all lookup main\n";
        assertThat(find(config(""), null, host))
                .singleElement()
                .asString()
                .contains("'5270: from all lookup 52'", "pref 5400");
    }

    @Test
    void shouldReportARouteInMainWhenItWinsOverTheCaptureForATunnelledPrefix() {
        FakeHost host = new FakeHost();
        host.routes.put(
                "4 main",
                host.routes.get("4 main")
                        + "10.20.0.0/16 via 192.0.2.1 dev eth0 proto static\n"
                        + "198.51.100.0/24 via 192.0.2.1 dev eth0\n");
        assertThat(find(config("[Split]\nMode = include\nTunnel = 10.0.0.0/8\n"), null, host))
                .singleElement()
                .asString()
                .contains("'10.20.0.0/16 via 192.0.2.1 dev eth0 proto static'", "10.0.0.0/8");
        assertThat(
                        find(
                                config(
                                        "[Split]\nMode = include\nTunnel = 10.0.0.0/8\n"
                                                + "LocalNetworks = tunnel\n"),
                                null,
                                host))
                .as("no suppress_prefixlength rule: main cannot win")
                .isEmpty();
    }

    @Test
    void shouldReportTheEndpointWhenTheDaemonsPacketsHaveNoRouteToIt() {
        FakeHost host = new FakeHost();
        host.unreachable.put("192.0.2.200", "RTNETLINK answers: Network is unreachable");
        assertThat(find(config(""), null, host))
                .singleElement()
                .asString()
                .contains(
                        "endpoint 192.0.2.200:51820 of peer " + PEER + " is unreachable",
                        "Network is unreachable");
    }

    @Test
    void shouldReportMissingAndStaleHandshakesAndTheErrorStateFromTheStatus() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode never =
                json.readTree(
                        "{\"state\":\"connected\",\"peers\":[{\"publicKey\":\"P\",\"endpoint\":\"192.0.2.200:51820\",\"latestHandshakeAgeSeconds\":null}]}");
        assertThat(find(null, never, new FakeHost()))
                .singleElement()
                .asString()
                .startsWith("no handshake yet with peer P at 192.0.2.200:51820");
        JsonNode stale =
                json.readTree(
                        "{\"state\":\"connected\",\"peers\":[{\"publicKey\":\"P\",\"latestHandshakeAgeSeconds\":600}]}");
        assertThat(find(null, stale, new FakeHost()))
                .singleElement()
                .asString()
                .contains("600 s ago");
        JsonNode fresh =
                json.readTree(
                        "{\"state\":\"connected\",\"peers\":[{\"publicKey\":\"P\",\"latestHandshakeAgeSeconds\":20}]}");
        assertThat(find(null, fresh, new FakeHost())).isEmpty();
        JsonNode error = json.readTree("{\"state\":\"error\",\"error\":\"no handshake with X\"}");
        assertThat(find(null, error, new FakeHost()))
                .containsExactly("the daemon is in the error state: no handshake with X");
    }

    @Test
    void shouldReportTheClockWhenUnsynchronizedOrBehindAFileWrittenEarlier() throws Exception {
        FakeHost host = new FakeHost();
        host.clock = new HostView.ClockState(false, 16_000_000);
        assertThat(find(null, null, host))
                .singleElement()
                .asString()
                .startsWith("the clock is not synchronized (the kernel bounds its error at 16 s)");

        Path witness = Files.writeString(directory.resolve("status"), "x");
        Files.setLastModifiedTime(witness, FileTime.from(NOW.plusSeconds(3 * 3600)));
        assertThat(KnownProblems.find(null, null, new FakeHost(), NOW, List.of(witness)))
                .singleElement()
                .asString()
                .startsWith("the clock is behind: " + witness)
                .contains("180 minutes after the current time");
        Files.setLastModifiedTime(witness, FileTime.from(NOW.minusSeconds(60)));
        assertThat(KnownProblems.find(null, null, new FakeHost(), NOW, List.of(witness))).isEmpty();
    }
}

package dev.sluice.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.daemon.metrics.SluiceMetrics;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.daemon.service.TunnelService;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad requests get an error reply and change nothing; good ones get their answer. */
class ControlHandlerTest {
    private final TunnelService service =
            new TunnelService(
                    () -> {
                        throw new IllegalStateException("t.conf:3: no PrivateKey");
                    },
                    Path.of("t.conf"),
                    Path.of("/nonexistent/state"),
                    Platforms.current());
    private final ControlHandler handler =
            new ControlHandler(service, new SluiceMetrics(service), "9.9.9");

    @AfterEach
    void stop() {
        service.close();
    }

    private static JsonNode reply(String line) throws Exception {
        return ControlProtocol.JSON.readTree(line);
    }

    @Test
    void malformedUnknownAndWrongVersionRequestsShouldGetErrorReplies() throws Exception {
        assertThat(reply(handler.handle("{not json")).path("error").asText())
                .startsWith("malformed request");
        assertThat(reply(handler.handle("{\"version\":1}")).path("error").asText())
                .isEqualTo("malformed request: no \"command\"");
        assertThat(
                        reply(handler.handle("{\"version\":1,\"command\":\"reboot\"}"))
                                .path("error")
                                .asText())
                .startsWith("unknown command 'reboot'");
        JsonNode old = reply(handler.handle("{\"version\":7,\"command\":\"status\"}"));
        assertThat(old.path("ok").asBoolean()).isFalse();
        assertThat(old.path("error").asText())
                .contains("sluice 9.9.9", "protocol version 1", "the client 7");
        assertThat(
                        reply(handler.handle("x".repeat(ControlProtocol.MAX_REQUEST_BYTES + 1)))
                                .path("error")
                                .asText())
                .startsWith("request longer than");
        assertThat(reply(handler.handle("null")).path("ok").asBoolean()).isFalse();
        assertThat(service.state().word()).isEqualTo("disconnected");
    }

    @Test
    void statusClassifyAndMetricsShouldAnswerWhileDisconnected() throws Exception {
        JsonNode status = reply(handler.handle("{\"version\":1,\"command\":\"status\"}"));
        assertThat(status.path("ok").asBoolean()).isTrue();
        assertThat(status.path("result").path("state").asText()).isEqualTo("disconnected");
        assertThat(status.path("daemonVersion").asText()).isEqualTo("9.9.9");

        JsonNode classify =
                reply(
                        handler.handle(
                                "{\"version\":1,\"command\":\"classify\",\"addresses\":[\"10.0.0.1\"]}"));
        assertThat(classify.path("error").asText()).startsWith("not connected");
        JsonNode bad =
                reply(
                        handler.handle(
                                "{\"version\":1,\"command\":\"classify\",\"addresses\":[\"10.0.0.300\"]}"));
        assertThat(bad.path("error").asText()).isEqualTo("'10.0.0.300' is not an IP address");

        JsonNode metrics = reply(handler.handle("{\"version\":1,\"command\":\"metrics\"}"));
        assertThat(metrics.path("result").asText())
                .contains("sluice_state{state=\"disconnected\"} 1.0", "sluice_packets_total");
    }

    @Test
    void aConnectWithAnInvalidConfigurationShouldEndInTheErrorStateWithTheReason()
            throws Exception {
        JsonNode connect =
                reply(handler.handle("{\"version\":1,\"command\":\"connect\",\"waitSeconds\":5}"));
        assertThat(connect.path("result").path("state").asText()).isEqualTo("error");
        assertThat(connect.path("result").path("error").asText())
                .isEqualTo("t.conf:3: no PrivateKey");
        JsonNode disconnect = reply(handler.handle("{\"version\":1,\"command\":\"disconnect\"}"));
        assertThat(disconnect.path("result").path("state").asText()).isEqualTo("disconnected");
        JsonNode reload = reply(handler.handle("{\"version\":1,\"command\":\"reload\"}"));
        assertThat(reload.path("error").asText())
                .isEqualTo(
                        "reload refused, the running configuration stays: t.conf:3: no PrivateKey");
    }
}

package dev.sluice.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.daemon.metrics.SluiceMetrics;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.daemon.service.TunnelService;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/** Whatever arrives on the control socket, the handler answers with one JSON reply line. */
class ControlFuzzTest {
    private static final TunnelService SERVICE =
            new TunnelService(
                    () -> {
                        throw new IllegalStateException("no configuration in this test");
                    },
                    Path.of("fuzz.conf"),
                    Path.of("/nonexistent/state"),
                    Platforms.current());
    private static final ControlHandler HANDLER =
            new ControlHandler(SERVICE, new SluiceMetrics(SERVICE), "0.0.0");

    @AfterContainer
    static void stop() {
        SERVICE.close();
    }

    @Property(tries = 3000)
    void anyLineShouldGetOneJsonReplyAndNeverAnException(@ForAll("requests") String line)
            throws Exception {
        String reply = HANDLER.handle(line);
        assertThat(reply).doesNotContain("\n");
        JsonNode parsed = ControlProtocol.JSON.readTree(reply);
        assertThat(parsed.path("version").asInt()).isEqualTo(ControlProtocol.VERSION);
        assertThat(parsed.has("ok")).isTrue();
        if (!parsed.path("ok").asBoolean()) {
            assertThat(parsed.path("error").asText()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<String> commands =
                Arbitraries.of("status", "classify", "metrics", "reload", "nope", "", "connect");
        Arbitrary<String> values =
                Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(40),
                        Arbitraries.integers().map(String::valueOf),
                        Arbitraries.of("null", "true", "[]", "{}", "[\"10.0.0.1\",7]", "\"x\""));
        Arbitrary<String> structured =
                net.jqwik.api.Combinators.combine(
                                Arbitraries.integers().between(-2, 3), commands, values, values)
                        .as(
                                (version, command, addresses, wait) ->
                                        "{\"version\":"
                                                + version
                                                + ",\"command\":\""
                                                + command
                                                + "\",\"addresses\":"
                                                + addresses
                                                + ",\"waitSeconds\":"
                                                + wait
                                                + "}");
        Arbitrary<String> garbage = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> truncated =
                structured.flatMap(
                        text ->
                                Arbitraries.integers()
                                        .between(0, text.length())
                                        .map(end -> text.substring(0, end)));
        return Arbitraries.oneOf(structured, garbage, truncated);
    }
}

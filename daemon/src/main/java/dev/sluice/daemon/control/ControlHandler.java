package dev.sluice.daemon.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.daemon.connection.Connection;
import dev.sluice.daemon.dns.LearnedRoutes;
import dev.sluice.daemon.metrics.SluiceMetrics;
import dev.sluice.daemon.service.ServiceState;
import dev.sluice.daemon.service.TunnelService;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.PrefixFormatException;
import dev.sluice.routing.policy.Classification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Turns one request line into one reply line, never throwing: a malformed, oversized, unknown or
 * wrong-version request gets an error reply and changes nothing.
 */
public final class ControlHandler {
    private final TunnelService service;
    private final SluiceMetrics metrics;
    private final String daemonVersion;

    public ControlHandler(TunnelService service, SluiceMetrics metrics, String daemonVersion) {
        this.service = service;
        this.metrics = metrics;
        this.daemonVersion = daemonVersion;
    }

    /** The reply to {@code line} (without its newline). */
    public String handle(String line) {
        if (line.getBytes(StandardCharsets.UTF_8).length > ControlProtocol.MAX_REQUEST_BYTES) {
            return error("request longer than " + ControlProtocol.MAX_REQUEST_BYTES + " bytes");
        }
        ControlRequest request;
        try {
            request = ControlProtocol.JSON.readValue(line, ControlRequest.class);
        } catch (JsonProcessingException e) {
            return error("malformed request: " + e.getOriginalMessage());
        }
        if (request == null || request.command() == null) {
            return error("malformed request: no \"command\"");
        }
        if (request.version() != ControlProtocol.VERSION) {
            return error(
                    "this daemon (sluice "
                            + daemonVersion
                            + ") speaks control protocol version "
                            + ControlProtocol.VERSION
                            + ", the client "
                            + request.version()
                            + ": use the sluice command of the same release as the daemon");
        }
        try {
            return ok(execute(request));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return error(e.getMessage());
        } catch (ExecutionException e) {
            return error(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        } catch (Exception e) {
            return error(request.command() + " failed: " + e);
        }
    }

    private JsonNode execute(ControlRequest request) throws Exception {
        return switch (request.command()) {
            case "status" -> ControlProtocol.JSON.valueToTree(service.status());
            case "connect" -> connect(request);
            case "disconnect" -> {
                service.disconnect().get(60, TimeUnit.SECONDS);
                yield state();
            }
            case "reload" -> {
                ObjectNode result = ControlProtocol.JSON.createObjectNode();
                result.put("message", service.reload().get(60, TimeUnit.SECONDS));
                yield result;
            }
            case "classify" -> classify(request);
            case "metrics" -> ControlProtocol.JSON.getNodeFactory().textNode(metrics.scrape());
            default ->
                    throw new IllegalArgumentException(
                            "unknown command '"
                                    + request.command()
                                    + "' (status, connect, disconnect, reload, classify, metrics)");
        };
    }

    private JsonNode connect(ControlRequest request) throws InterruptedException {
        service.connect();
        int waitSeconds = request.waitSeconds() == null ? 0 : request.waitSeconds();
        if (waitSeconds < 0 || waitSeconds > 3600) {
            throw new IllegalArgumentException("waitSeconds must be 0..3600, not " + waitSeconds);
        }
        if (waitSeconds > 0) {
            Thread.sleep(50); // let the lifecycle thread take the request first
            service.awaitState(waitSeconds * 1000L, ServiceState.CONNECTED, ServiceState.ERROR);
        }
        return state();
    }

    private ObjectNode state() {
        ObjectNode result = ControlProtocol.JSON.createObjectNode();
        result.put("state", service.state().word());
        if (service.error() != null) {
            result.put("error", service.error());
        }
        return result;
    }

    private JsonNode classify(ControlRequest request) {
        List<String> texts = request.addresses() == null ? List.of() : request.addresses();
        List<IpPrefix> addresses = new ArrayList<>();
        for (String text : texts) {
            try {
                addresses.add(IpPrefix.parseAddress(text));
            } catch (PrefixFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address");
            }
        }
        Connection connection = service.connection();
        List<Classification> answers = service.classify(addresses);
        if (answers == null || connection == null) {
            throw new IllegalStateException(
                    "not connected: the live table exists only while connected (or classify"
                            + " offline with --config)");
        }
        ArrayNode result = ControlProtocol.JSON.createArrayNode();
        for (Classification answer : answers) {
            ObjectNode line = result.addObject();
            line.put("address", answer.address().addressText());
            line.put("verdict", answer.verdict().label());
            line.put("matched", answer.matched() == null ? "-" : answer.matched().toString());
            boolean hasPeer =
                    answer.peerIndex() >= 0 && answer.peerIndex() < connection.peers().size();
            line.put(
                    "peer",
                    hasPeer
                            ? connection.peers().get(answer.peerIndex()).publicKey().toBase64()
                            : "-");
            line.put("source", answer.source().label());
            LearnedRoutes learned = connection.learnedRoutesTable();
            LearnedRoutes.Entry entry = learned == null ? null : learned.entry(answer.address());
            if (entry != null) {
                line.put("name", entry.name());
                line.put("domain", entry.domain());
                line.put("expiresInSeconds", entry.expiresInSeconds());
                if (entry.refusal() != null) {
                    line.put("learnedVerdict", entry.verdict().label());
                    line.put("refused", entry.refusal());
                }
            }
        }
        return result;
    }

    /** An error reply for a request refused before reading it (credentials, size). */
    public String refuse(String reason) {
        return error(reason);
    }

    private String ok(JsonNode result) throws JsonProcessingException {
        return ControlProtocol.JSON.writeValueAsString(
                new ControlReply(ControlProtocol.VERSION, daemonVersion, true, result, null));
    }

    private String error(String message) {
        try {
            return ControlProtocol.JSON.writeValueAsString(
                    new ControlReply(ControlProtocol.VERSION, daemonVersion, false, null, message));
        } catch (JsonProcessingException e) {
            return "{\"version\":1,\"ok\":false,\"error\":\"internal error\"}";
        }
    }
}

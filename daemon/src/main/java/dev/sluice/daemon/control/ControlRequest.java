package dev.sluice.daemon.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One request: {@code {"version":1,"command":"status"}}.
 *
 * @param command status, connect, disconnect, reload, classify, metrics
 * @param addresses for classify: the addresses, as text
 * @param waitSeconds for connect: how long to wait for the connected state (0: do not wait)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlRequest(
        int version, String command, List<String> addresses, Integer waitSeconds) {
    public static ControlRequest of(String command) {
        return new ControlRequest(ControlProtocol.VERSION, command, null, null);
    }
}

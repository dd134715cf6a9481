package dev.sluice.daemon.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One reply: {@code {"version":1,"ok":true,"result":{…}}} or {@code {"version":1,"ok":false,
 * "error":"…"}}. {@code daemonVersion} names the daemon's release, for version messages.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlReply(
        int version, String daemonVersion, boolean ok, JsonNode result, String error) {}

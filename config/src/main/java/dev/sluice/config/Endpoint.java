package dev.sluice.config;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.PrefixFormatException;

/**
 * A peer's {@code Endpoint}: a host (address literal or DNS name, resolved later by the daemon) and
 * a UDP port.
 */
public record Endpoint(String host, int port) {
    /** The host as an address when it is a literal, else null (a name to resolve). */
    public IpPrefix literalAddress() {
        try {
            return IpPrefix.parseAddress(host);
        } catch (PrefixFormatException e) {
            return null;
        }
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

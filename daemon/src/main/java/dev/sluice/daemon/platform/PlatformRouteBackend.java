package dev.sluice.daemon.platform;

import dev.sluice.routing.manager.RouteBackend;

/** A {@link RouteBackend} holding a system handle (a netlink or routing socket) until closed. */
public interface PlatformRouteBackend extends RouteBackend, AutoCloseable {
    @Override
    void close();
}

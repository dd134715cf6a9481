package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.manager.RouteException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Mac on one network, as the darwin tests see it: en0 (index 4) with 192.168.1.20/24 and the
 * router 192.168.1.1 (and fe80::1 for IPv6) as default gateway; utun9 (index 9) when Sluice has
 * opened it; en1 (index 5, 10.0.0.0/24, router 10.0.0.1) to move to.
 */
public final class Mac {
    public static final int EN0 = 4;
    public static final int EN1 = 5;
    public static final int UTUN = 9;

    private Mac() {}

    /** The kernel of a Mac on en0 with utun9 open. */
    public static FakeRoutingKernel onEn0() {
        return new FakeRoutingKernel()
                .withInterface("en0", EN0)
                .withInterface("en1", EN1)
                .withInterface("utun9", UTUN)
                .withRoute(
                        "0.0.0.0/0",
                        Sockaddr.Inet.of("192.168.1.1"),
                        RouteFlags.RTF_GATEWAY | RouteFlags.RTF_STATIC,
                        "en0",
                        0)
                .withRoute(
                        "192.168.1.0/24",
                        Sockaddr.Link.index(EN0),
                        RouteFlags.RTF_CLONING,
                        "en0",
                        0)
                .withRoute(
                        "10.0.0.0/24", Sockaddr.Link.index(EN1), RouteFlags.RTF_CLONING, "en1", 0)
                .withRoute(
                        "::/0",
                        Sockaddr.Inet.of("fe80::1%4"),
                        RouteFlags.RTF_GATEWAY | RouteFlags.RTF_STATIC,
                        "en0",
                        0);
    }

    /** Host DNS for route tests: any call is a test failure. */
    public static HostDns noDns() {
        return new HostDns() {
            @Override
            public void replaceFile(Path path, byte[] content, byte[] expected)
                    throws RouteException {
                throw new RouteException("no DNS in this test: " + path);
            }

            @Override
            public void setService(String service, List<String> servers, List<String> domains)
                    throws RouteException {
                throw new RouteException("no DNS in this test: " + service);
            }

            @Override
            public void removeService(String service) throws RouteException {
                throw new RouteException("no DNS in this test: " + service);
            }

            @Override
            public void close() {}
        };
    }

    /** A backend on a new routing socket of {@code kernel}. */
    public static DarwinRouteBackend backend(FakeRoutingKernel kernel, HostDns dns) {
        return new DarwinRouteBackend(new RoutingClient(kernel.open()), dns);
    }

    /**
     * The monitor, on sockets of its own, without its thread: tests call {@link
     * DarwinMonitor#check()}.
     */
    public static DarwinMonitor monitor(
            FakeRoutingKernel kernel,
            DarwinRouteBackend backend,
            dev.sluice.routing.manager.RouteManager routes,
            Runnable underlayChanged,
            java.util.function.LongSupplier clockNs)
            throws java.io.IOException {
        return new DarwinMonitor(
                kernel.open(),
                new RoutingClient(kernel.open()),
                backend,
                routes,
                underlayChanged,
                clockNs);
    }
}

package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpPrefix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests on one routing socket: each message gets the next sequence number; an {@code RTM_GET}
 * waits for the answer carrying that number and this process's id (the socket also receives every
 * other routing change, which is skipped). Control path; one thread at a time.
 */
public final class RoutingClient implements AutoCloseable {
    static final int ANSWER_TIMEOUT_MS = 1_000;

    /** Opens a client on a new routing socket. */
    @FunctionalInterface
    public interface Opener {
        RoutingClient open() throws IOException;
    }

    private final RoutingKernel kernel;
    private int seq;

    public RoutingClient(RoutingKernel kernel) {
        this.kernel = kernel;
    }

    public RoutingKernel kernel() {
        return kernel;
    }

    /** Adds a route; see {@link RouteRequests#add}. */
    public synchronized void add(IpPrefix destination, Sockaddr gateway, int scope)
            throws SystemCallException {
        send(RouteRequests.add(destination, gateway, scope, ++seq));
    }

    /** Points an existing route at another gateway. */
    public synchronized void change(IpPrefix destination, Sockaddr gateway)
            throws SystemCallException {
        send(RouteRequests.change(destination, gateway, ++seq));
    }

    /** Deletes the route to exactly {@code destination}. */
    public synchronized void delete(IpPrefix destination, int scope) throws SystemCallException {
        send(RouteRequests.delete(destination, scope, ++seq));
    }

    /**
     * The route to exactly {@code destination} as the kernel reports it, or null when there is none
     * ({@code ESRCH}).
     */
    public synchronized RoutingMessage.Route get(IpPrefix destination) throws IOException {
        drain();
        int mine = ++seq;
        try {
            send(RouteRequests.get(destination, mine));
        } catch (SystemCallException e) {
            if (e.errno() == Errno.ESRCH) {
                return null;
            }
            throw e;
        }
        long deadlineMs = System.currentTimeMillis() + ANSWER_TIMEOUT_MS;
        while (true) {
            int leftMs = (int) Math.max(0, deadlineMs - System.currentTimeMillis());
            byte[] bytes = kernel.read(leftMs);
            if (bytes == null) {
                throw new IOException(
                        "no answer from the routing socket to RTM_GET "
                                + destination
                                + " within "
                                + ANSWER_TIMEOUT_MS
                                + " ms");
            }
            RoutingMessage message =
                    RoutingMessageCodec.decode(ByteBuffer.wrap(bytes), 0, bytes.length);
            if (message instanceof RoutingMessage.Route route
                    && route.type() == RouteFlags.RTM_GET
                    && route.seq() == mine
                    && route.pid() == kernel.pid()) {
                return route;
            }
        }
    }

    /** Every route of both families ({@code NET_RT_DUMP2}). */
    public List<RoutingMessage.Route> routes() throws IOException {
        byte[] dump = kernel.dump();
        List<RoutingMessage.Route> routes = new ArrayList<>();
        try {
            for (RoutingMessage message :
                    RoutingMessageCodec.decodeAll(ByteBuffer.wrap(dump), 0, dump.length)) {
                if (message instanceof RoutingMessage.Route route) {
                    routes.add(route);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable routing table dump: " + e.getMessage(), e);
        }
        return routes;
    }

    /** Messages that arrived since the last request (others' changes) are not answers. */
    private void drain() throws IOException {
        while (kernel.read(0) != null) {
            // skipped: the monitor has its own socket for these
        }
    }

    private void send(RoutingMessage.Route message) throws SystemCallException {
        kernel.write(RoutingMessageCodec.encode(message));
    }

    @Override
    public void close() {
        kernel.close();
    }
}

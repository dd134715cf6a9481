package dev.sluice.daemon.platform.darwin;

import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteType;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies route-manager operations to macOS through a routing socket. macOS has one routing table
 * shared with everyone, so a {@link RouteEntry}'s table is ignored and its type reads:
 *
 * <pre>
 *   dev &lt;utun&gt;  RTM_ADD via the utun's link address (tunnel and drop prefixes)
 *   throw        RTM_ADD via the primary default route's gateway (a bypass carve-out: it leaves
 *                the tunnel's routes as a throw leaves Sluice's table on Linux)
 * </pre>
 *
 * Every route added carries {@link RouteFlags#RTF_PROTO1}. Deleting first asks the kernel for the
 * route ({@code RTM_GET}) and deletes only a route with that mark: a route of someone else's at the
 * same prefix (a LAN route equal to a bypass prefix) is never deleted, which keeps journal undo and
 * {@code sluice recover} safe on a shared table. Adding where a route of someone else's exists
 * fails for a tunnel route (another VPN holds it) and counts as done for a bypass route (it already
 * leaves the tunnel).
 *
 * <p>Bypass routes follow the primary gateway: {@link #rederive} points them at a new one when the
 * network changes. A bypass prefix of a family without a default route waits for one (its addresses
 * are unreachable meanwhile anyway). Resolver files and the dynamic-store DNS entry go to {@link
 * HostDns}. Thread-safe (the route manager and the monitor call it).
 */
public final class DarwinRouteBackend implements PlatformRouteBackend {
    private static final Logger LOG = System.getLogger(DarwinRouteBackend.class.getName());

    private final RoutingClient routes;
    private final HostDns dns;
    private final Map<String, Integer> interfaceIndexes = new HashMap<>();
    private Underlay underlay;

    /** Bypass routes added by this backend and the gateway of each (null: waiting for one). */
    private final Map<IpPrefix, Sockaddr> bypass = new LinkedHashMap<>();

    public DarwinRouteBackend(RoutingClient routes, HostDns dns) {
        this.routes = routes;
        this.dns = dns;
    }

    @Override
    public synchronized void apply(Operation operation) throws RouteException {
        switch (operation) {
            case Operation.AddRoute add -> add(add.route(), operation);
            case Operation.DeleteRoute delete -> delete(delete.route(), operation);
            case Operation.ReplaceFile file ->
                    dns.replaceFile(Path.of(file.path()), file.content(), file.expected());
            case Operation.SetLinkDns set ->
                    dns.setService(set.link(), set.servers(), set.domains());
            case Operation.RevertLinkDns revert -> dns.removeService(revert.link());
            default ->
                    throw new RouteException(
                            operation
                                    + ": not used on macOS (no policy rules, sysctls or"
                                    + " nftables there)");
        }
    }

    private void add(RouteEntry route, Operation operation) throws RouteException {
        IpPrefix prefix = route.destination();
        Sockaddr gateway =
                switch (route.type()) {
                    case UNICAST -> Sockaddr.Link.index(interfaceIndex(route.device(), operation));
                    case THROW -> bypassGateway(prefix.family());
                    case PROHIBIT -> throw new RouteException(operation + ": not used on macOS");
                };
        if (gateway == null) {
            bypass.put(prefix, null);
            LOG.log(
                    Level.WARNING,
                    "no "
                            + (prefix.isIpv4() ? "IPv4" : "IPv6")
                            + " default route: bypass route "
                            + prefix
                            + " waits for one");
            return;
        }
        try {
            routes.add(prefix, gateway, 0);
        } catch (SystemCallException e) {
            if (e.errno() != Errno.EEXIST) {
                throw new RouteException(operation + ": " + e.getMessage(), e);
            }
            RoutingMessage.Route existing = existing(prefix, operation);
            if (existing == null || !existing.has(RouteFlags.RTF_PROTO1)) {
                if (route.type() != RouteType.THROW) {
                    throw new RouteException(
                            operation
                                    + ": the system already has a route to "
                                    + prefix
                                    + " that is not Sluice's ("
                                    + existing
                                    + "); is another VPN connected?");
                }
                LOG.log(
                        Level.INFO,
                        "bypass route "
                                + prefix
                                + ": the system's own route already leaves the tunnel ("
                                + existing
                                + ")");
                throw new RouteException(operation + ": a route of the system's is there", e, true);
            }
            if (route.type() == RouteType.THROW) {
                bypass.put(prefix, existing.gateway());
            }
            throw new RouteException(operation + ": already there", e, true);
        }
        if (route.type() == RouteType.THROW) {
            bypass.put(prefix, gateway);
        }
    }

    private void delete(RouteEntry route, Operation operation) throws RouteException {
        IpPrefix prefix = route.destination();
        if (bypass.containsKey(prefix) && bypass.remove(prefix) == null) {
            return; // never installed: it was waiting for a default route
        }
        RoutingMessage.Route existing = existing(prefix, operation);
        if (existing == null) {
            throw new RouteException(operation + ": already gone", null, true);
        }
        if (!existing.has(RouteFlags.RTF_PROTO1)) {
            LOG.log(Level.INFO, "route " + prefix + " is not Sluice's, left in place: " + existing);
            throw new RouteException(operation + ": not Sluice's, left in place", null, true);
        }
        try {
            routes.delete(prefix, existing.scope());
        } catch (SystemCallException e) {
            throw new RouteException(
                    operation + ": " + e.getMessage(), e, e.errno() == Errno.ESRCH);
        }
    }

    /** The route to exactly {@code prefix}, or null. */
    private RoutingMessage.Route existing(IpPrefix prefix, Operation operation)
            throws RouteException {
        try {
            RoutingMessage.Route route = routes.get(prefix);
            return route != null && prefix.equals(route.prefix()) ? route : null;
        } catch (IOException e) {
            throw new RouteException(operation + ": " + e.getMessage(), e);
        }
    }

    private int interfaceIndex(String name, Operation operation) throws RouteException {
        Integer known = interfaceIndexes.get(name);
        if (known != null) {
            return known;
        }
        int index = routes.kernel().interfaceIndex(name);
        if (index == 0) {
            // The utun went away (the daemon that owned it died): so did its routes.
            throw new RouteException(operation + ": no interface " + name, null, true);
        }
        interfaceIndexes.put(name, index);
        return index;
    }

    private Sockaddr bypassGateway(IpFamily family) throws RouteException {
        if (underlay == null) {
            try {
                underlay = Underlay.of(routes.routes());
            } catch (IOException e) {
                throw new RouteException("cannot read the routing table: " + e.getMessage(), e);
            }
            LOG.log(Level.INFO, "underlay: " + underlay);
        }
        return underlay.gateway(family);
    }

    /** The underlay bypass routes go through now (null before the first bypass route). */
    public synchronized Underlay underlay() {
        return underlay;
    }

    /**
     * Points every bypass route at {@code next}'s gateway of its family: {@code RTM_CHANGE} from
     * one router to another, delete and add when the kind of gateway changes, add for routes that
     * were waiting, delete (and wait) when the family lost its default route. The journal needs no
     * record: undoing a bypass route deletes it whatever its gateway.
     *
     * @return one line per route changed
     */
    public synchronized List<String> rederive(Underlay next) {
        List<String> changed = new ArrayList<>();
        underlay = next;
        for (Map.Entry<IpPrefix, Sockaddr> entry : bypass.entrySet()) {
            IpPrefix prefix = entry.getKey();
            Sockaddr before = entry.getValue();
            Sockaddr now = next.gateway(prefix.family());
            if (Objects.equals(before, now)) {
                continue;
            }
            try {
                if (now == null) {
                    deleteQuietly(prefix);
                } else if (before == null) {
                    routes.add(prefix, now, 0);
                } else if (before instanceof Sockaddr.Inet && now instanceof Sockaddr.Inet) {
                    routes.change(prefix, now);
                } else {
                    deleteQuietly(prefix);
                    routes.add(prefix, now, 0);
                }
                entry.setValue(now);
                changed.add(
                        "bypass "
                                + prefix
                                + ": "
                                + (before == null ? "(none)" : before)
                                + " -> "
                                + (now == null ? "(none)" : now));
            } catch (SystemCallException e) {
                LOG.log(
                        Level.WARNING,
                        "cannot move bypass route "
                                + prefix
                                + " to "
                                + now
                                + ": "
                                + e.getMessage());
            }
        }
        return changed;
    }

    private void deleteQuietly(IpPrefix prefix) throws SystemCallException {
        try {
            routes.delete(prefix, 0);
        } catch (SystemCallException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    /** Whether bypass route {@code prefix} waits for a default route of its family. */
    public synchronized boolean waiting(IpPrefix prefix) {
        return bypass.containsKey(prefix) && bypass.get(prefix) == null;
    }

    /** Routes this backend keeps pointed at the underlay. */
    public synchronized List<IpPrefix> bypassRoutes() {
        return List.copyOf(bypass.keySet());
    }

    @Override
    public String readSysctl(String key) throws RouteException {
        throw new RouteException("sysctl " + key + ": Sluice sets no sysctls on macOS");
    }

    @Override
    public void close() {
        try {
            dns.close();
        } finally {
            routes.close();
        }
    }
}

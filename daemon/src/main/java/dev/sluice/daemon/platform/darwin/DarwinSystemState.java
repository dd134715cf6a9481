package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.journal.Ownership;
import dev.sluice.routing.journal.SystemSnapshot;
import dev.sluice.routing.journal.SystemStateReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parts of a Mac Sluice may touch, as snapshot sections: {@code routes ipv4} and {@code routes
 * ipv6} (the routing table, {@code NET_RT_DUMP2}), and {@code dns} (each {@code /etc/resolver}
 * file, and Sluice's dynamic-store DNS entry when it is there). Items print stably: sorted, without
 * use counts, and without the entries the kernel makes and drops by itself (ARP and neighbour
 * entries, cloned host routes, {@code RTF_WASCLONED}/{@code RTF_LLINFO}).
 *
 * <p>A route carrying Sluice's mark ({@link RouteFlags#RTF_PROTO1}) ends with {@code proto 1}:
 * recovery's ownership test (a route's protocol, on Linux) then applies unchanged with {@link
 * #OWNERSHIP_PROTOCOL}.
 */
public final class DarwinSystemState implements SystemStateReader {
    /** The "protocol" of Sluice's routes in snapshots: the 1 of {@code RTF_PROTO1}. */
    public static final int OWNERSHIP_PROTOCOL = 1;

    private static final int VOLATILE =
            RouteFlags.RTF_DONE | RouteFlags.RTF_IFREF | 0x2000000 /* RTF_CONDEMNED */;
    private static final int KERNEL_MADE = RouteFlags.RTF_WASCLONED | RouteFlags.RTF_LLINFO;

    private final RoutingClient.Opener routes;
    private final Path resolverDirectory;
    private final DynamicStoreDns store;

    /**
     * @param routes opens a routing socket for one reading (closed after)
     */
    public DarwinSystemState(
            RoutingClient.Opener routes, Path resolverDirectory, DynamicStoreDns store) {
        this.routes = routes;
        this.resolverDirectory = resolverDirectory;
        this.store = store;
    }

    /** How recovery tells Sluice's entries from others' on a Mac (see the class comment). */
    public static Ownership ownership() {
        return new Ownership(OWNERSHIP_PROTOCOL, "", 0, "", java.util.Set.of());
    }

    @Override
    public SystemSnapshot capture(Collection<String> sysctlKeys) throws IOException {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        TreeSet<String> v4 = new TreeSet<>();
        TreeSet<String> v6 = new TreeSet<>();
        try (RoutingClient client = routes.open()) {
            for (RoutingMessage.Route route : client.routes()) {
                if ((route.flags() & KERNEL_MADE) != 0) {
                    continue;
                }
                IpPrefix prefix = route.prefix();
                String item = item(route);
                if (prefix != null && !prefix.isIpv4()) {
                    v6.add(item);
                } else if (prefix != null) {
                    v4.add(item);
                }
            }
        }
        sections.put("routes ipv4", new ArrayList<>(v4));
        sections.put("routes ipv6", new ArrayList<>(v6));
        sections.put(Ownership.DNS_SECTION, dns());
        return new SystemSnapshot(sections);
    }

    /** A route as a snapshot item: destination, gateway, stable flags, scope, Sluice's mark. */
    static String item(RoutingMessage.Route route) {
        StringBuilder item = new StringBuilder();
        IpPrefix prefix = route.prefix();
        item.append(prefix != null ? prefix.toString() : String.valueOf(route.destination()));
        if (route.gateway() != null) {
            item.append(" gateway ").append(route.gateway());
        }
        item.append(" flags ").append(RouteFlags.routeFlagNames(route.flags() & ~VOLATILE));
        if (route.has(RouteFlags.RTF_IFSCOPE)) {
            item.append(" ifscope ").append(route.index());
        }
        if (route.has(RouteFlags.RTF_PROTO1)) {
            item.append(" proto ").append(OWNERSHIP_PROTOCOL);
        }
        return item.toString();
    }

    private List<String> dns() throws IOException {
        List<String> items = new ArrayList<>();
        if (Files.isDirectory(resolverDirectory)) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(resolverDirectory)) {
                stream.forEach(files::add);
            }
            files.sort(null);
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    items.add(
                            file
                                    + ":\n"
                                    + new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
                }
            }
        }
        if (store != null && store.present(ScutilScript.SERVICE)) {
            items.add(ScutilScript.key(ScutilScript.SERVICE) + " (" + Ownership.DNS_MARK + ")");
        }
        return items;
    }
}

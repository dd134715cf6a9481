package dev.sluice.daemon.dns;

import dev.sluice.daemon.platform.darwin.DynamicStoreDns;
import dev.sluice.daemon.platform.darwin.ResolverFiles;
import dev.sluice.daemon.platform.darwin.ScutilScript;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Split DNS on macOS, with the same routing domains systemd-resolved gets on Linux ({@link
 * DomainRules#routingDomains()}):
 *
 * <ul>
 *   <li>each domain (TunnelDomains, BypassDomains, the tunnel's search domains) gets {@code
 *       /etc/resolver/<domain>} naming the forwarder, marked as Sluice's ({@link ResolverFiles});
 *   <li>{@code ~.} (a full tunnel with tunnel resolvers) makes the forwarder the global resolver: a
 *       dynamic-store DNS entry of Sluice's own matching every name ({@link ScutilScript}), held as
 *       a temporary key that vanishes if the daemon dies.
 * </ul>
 *
 * Each is an operation of the journal (a file replaced, a link-DNS setting for the entry), so
 * disconnect and {@code sluice recover} undo them. The original resolvers are the store's global
 * DNS servers before the change.
 */
public final class MacHostResolver implements HostResolverSetup {
    /** This Mac's {@code /etc/resolver} and dynamic store. */
    public static final MacHostResolver SYSTEM =
            new MacHostResolver(ResolverFiles.DIRECTORY, DynamicStoreDns.system());

    private final Path directory;
    private final DynamicStoreDns store;

    public MacHostResolver(Path directory, DynamicStoreDns store) {
        this.directory = directory;
        this.store = store;
    }

    @Override
    public HostResolver configure(
            String link,
            List<InetAddress> forwarder,
            DomainRules rules,
            List<String> searchDomains,
            RouteBackend backend,
            RouteManager.OperationListener journal)
            throws RouteException {
        List<InetAddress> original = new ArrayList<>();
        try {
            for (String server : store.globalServers()) {
                InetAddress address = address(server);
                if (address != null && !forwarder.contains(address)) {
                    original.add(address);
                }
            }
        } catch (IOException e) {
            throw new RouteException("cannot read the system's DNS servers: " + e.getMessage(), e);
        }
        List<Operation> operations = new ArrayList<>();
        boolean everyName = false;
        for (String routing : rules.routingDomains()) {
            String domain = routing.startsWith("~") ? routing.substring(1) : routing;
            if (domain.equals(".")) {
                everyName = true;
                continue;
            }
            Path file = ResolverFiles.file(directory, domain);
            byte[] before;
            try {
                before = ResolverFiles.read(file);
            } catch (IOException e) {
                throw new RouteException("cannot read " + file + ": " + e.getMessage(), e);
            }
            operations.add(
                    new Operation.ReplaceFile(
                            file.toString(), ResolverFiles.render(domain, forwarder), before));
        }
        if (everyName) {
            operations.add(
                    new Operation.SetLinkDns(
                            ScutilScript.SERVICE,
                            forwarder.stream().map(InetAddress::getHostAddress).toList(),
                            List.of(ScutilScript.EVERY_NAME)));
        }
        return HostResolver.applyAll(
                HostResolver.Mode.MACOS, original, operations, backend, journal);
    }

    /** A server as scutil prints it ({@code fe80::1%en0} keeps its scope), or null. */
    private static InetAddress address(String text) {
        if (!text.matches("[0-9a-fA-F:.]+(%[a-z0-9]+)?")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

package dev.sluice.daemon.dns;

import dev.sluice.daemon.platform.linux.Resolved;
import dev.sluice.daemon.platform.linux.ResolverFiles;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import dev.sluice.routing.manager.RouteManager;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Points the host's resolver at the forwarder, journaled like routes: with systemd-resolved
 * managing {@code /etc/resolv.conf}, per-link servers and routing domains on the tun; otherwise the
 * resolver file rewritten in place (the original bytes are in the journal and the snapshot, and
 * come back byte for byte); on macOS, {@code /etc/resolver} files and a dynamic-store entry ({@link
 * MacHostResolver}). {@link #restore()} undoes it, newest change first.
 *
 * <p>The original resolvers (the file's servers, or resolved's on other links) are read before
 * anything changes: the forwarder sends every name that is not the tunnel's to them.
 */
public final class HostResolver {
    private static final Logger LOG = System.getLogger(HostResolver.class.getName());

    /** How the host was pointed at the forwarder. */
    public enum Mode {
        RESOLV_CONF("resolv.conf"),
        SYSTEMD_RESOLVED("systemd-resolved"),
        MACOS("/etc/resolver and the dynamic store");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Mode mode;
    private final List<InetAddress> originalServers;
    private final List<Operation> applied;
    private final RouteBackend backend;
    private final RouteManager.OperationListener journal;

    private HostResolver(
            Mode mode,
            List<InetAddress> originalServers,
            List<Operation> applied,
            RouteBackend backend,
            RouteManager.OperationListener journal) {
        this.mode = mode;
        this.originalServers = List.copyOf(originalServers);
        this.applied = List.copyOf(applied);
        this.backend = backend;
        this.journal = journal;
    }

    /** What HostResolver needs to know of systemd-resolved ({@link Resolved} on a real host). */
    public interface ResolvedProbe {
        /** True when resolved manages the resolver file. */
        boolean manages(Path resolvConf);

        /** Resolved's servers on every link but {@code exceptLink}. */
        List<InetAddress> servers(String exceptLink) throws IOException;

        ResolvedProbe SYSTEM =
                new ResolvedProbe() {
                    @Override
                    public boolean manages(Path resolvConf) {
                        return Resolved.manages(resolvConf);
                    }

                    @Override
                    public List<InetAddress> servers(String exceptLink) throws IOException {
                        return Resolved.servers(exceptLink);
                    }
                };
    }

    /**
     * Reads the original resolvers and points the host at {@code forwarder}.
     *
     * @param resolvConf the resolver file ({@code /etc/resolv.conf})
     * @param link the tun (for systemd-resolved)
     * @param forwarder the forwarder's addresses, first one first
     * @param rules what resolved should route to the forwarder
     * @param searchDomains {@code [Interface] DNS} names for the resolver file
     * @param journal records the inverse before the change
     * @param resolved whether systemd-resolved is in charge, and its servers
     * @throws RouteException naming the file or tool when the change fails; nothing is changed then
     */
    public static HostResolver configure(
            Path resolvConf,
            String link,
            List<InetAddress> forwarder,
            DomainRules rules,
            List<String> searchDomains,
            RouteBackend backend,
            RouteManager.OperationListener journal,
            ResolvedProbe resolved)
            throws RouteException {
        if (resolved.manages(resolvConf)) {
            List<InetAddress> original;
            try {
                original = resolved.servers(link);
            } catch (IOException e) {
                throw new RouteException(
                        "cannot read systemd-resolved's servers: " + e.getMessage());
            }
            Operation set =
                    new Operation.SetLinkDns(
                            link,
                            forwarder.stream().map(InetAddress::getHostAddress).toList(),
                            rules.routingDomains());
            apply(set, backend, journal);
            return new HostResolver(
                    Mode.SYSTEMD_RESOLVED, original, List.of(set), backend, journal);
        }
        byte[] before;
        try {
            before = ResolverFiles.read(resolvConf);
        } catch (IOException e) {
            throw new RouteException("cannot read " + resolvConf + ": " + e.getMessage(), e);
        }
        List<InetAddress> original =
                ResolvConf.nameservers(new String(before, StandardCharsets.ISO_8859_1)).stream()
                        .filter(server -> !forwarder.contains(server))
                        .toList();
        Operation write =
                new Operation.ReplaceFile(
                        resolvConf.toString(),
                        ResolvConf.render(before, forwarder, searchDomains),
                        before);
        apply(write, backend, journal);
        return new HostResolver(Mode.RESOLV_CONF, original, List.of(write), backend, journal);
    }

    /**
     * Applies {@code operations} in order, each journaled first; if one fails, those before it are
     * undone (newest first) and the failure is thrown.
     */
    static HostResolver applyAll(
            Mode mode,
            List<InetAddress> originalServers,
            List<Operation> operations,
            RouteBackend backend,
            RouteManager.OperationListener journal)
            throws RouteException {
        List<Operation> done = new java.util.ArrayList<>();
        for (Operation operation : operations) {
            try {
                apply(operation, backend, journal);
            } catch (RouteException e) {
                try {
                    new HostResolver(mode, originalServers, done, backend, journal).restore();
                } catch (RouteException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
            done.add(operation);
        }
        return new HostResolver(mode, originalServers, operations, backend, journal);
    }

    private static void apply(
            Operation operation, RouteBackend backend, RouteManager.OperationListener journal)
            throws RouteException {
        journal.beforeApply(operation);
        try {
            backend.apply(operation);
        } catch (RouteException e) {
            if (!e.alreadyInPlace()) {
                journal.undone(operation);
                throw e;
            }
        }
    }

    public Mode mode() {
        return mode;
    }

    /** The resolvers the machine used before Sluice connected. */
    public List<InetAddress> originalServers() {
        return originalServers;
    }

    /**
     * Puts the host's resolver configuration back. A resolver file another program rewrote in the
     * meantime is left alone (and logged): its content is newer than Sluice's.
     */
    public void restore() throws RouteException {
        RouteException failure = null;
        for (int i = applied.size() - 1; i >= 0; i--) {
            Operation undo = applied.get(i).inverse();
            try {
                journal.beforeApply(undo);
                backend.apply(undo);
            } catch (RouteException e) {
                if (e.alreadyInPlace()) {
                    continue;
                }
                if (e.getMessage().contains("changed by another program")) {
                    LOG.log(Level.WARNING, e.getMessage());
                    continue;
                }
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

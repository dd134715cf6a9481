package dev.sluice.daemon.platform.linux;

import dev.sluice.daemon.platform.PlatformRouteBackend;
import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.util.List;

/**
 * Applies route-manager operations to Linux: rtnetlink, /proc/sys, nft, the resolver file and
 * systemd-resolved.
 */
public final class LinuxRouteBackend implements PlatformRouteBackend {
    private final Rtnetlink netlink;

    public LinuxRouteBackend() throws NativeException {
        this.netlink = Rtnetlink.open();
    }

    @Override
    public void apply(Operation operation) throws RouteException {
        try {
            switch (operation) {
                case Operation.AddRoute add -> netlink.addRoute(add.route());
                case Operation.DeleteRoute delete -> netlink.deleteRoute(delete.route());
                case Operation.AddRule add -> netlink.addRule(add.rule());
                case Operation.DeleteRule delete -> netlink.deleteRule(delete.rule());
                case Operation.SetSysctl set -> Sysctls.write(set.key(), set.value());
                case Operation.AddFirewall add ->
                        Nft.apply(replaceScript(add.table()), operation.toString());
                case Operation.DeleteFirewall delete ->
                        Nft.run(
                                List.of(
                                        "nft",
                                        "delete",
                                        "table",
                                        delete.table().family(),
                                        delete.table().name()),
                                null,
                                operation.toString());
                case Operation.ReplaceFile file ->
                        ResolverFiles.replace(
                                java.nio.file.Path.of(file.path()),
                                file.content(),
                                file.expected());
                case Operation.SetLinkDns set ->
                        Resolved.setLink(set.link(), set.servers(), set.domains());
                case Operation.RevertLinkDns revert -> Resolved.revertLink(revert.link());
            }
        } catch (NativeException e) {
            throw new RouteException(e.getMessage(), e, alreadyInPlace(operation, e.errno()));
        } catch (IOException e) {
            boolean gone =
                    switch (operation) {
                        case Operation.DeleteFirewall delete ->
                                e.getMessage().contains("No such file or directory");
                        case Operation.SetSysctl set -> e.getMessage().contains("does not exist");
                        // The link went away with the tun, and its resolver settings with it.
                        case Operation.RevertLinkDns revert ->
                                e.getMessage().contains("Failed to resolve interface")
                                        || e.getMessage().contains("No such device");
                        default -> false;
                    };
            throw new RouteException(e.getMessage(), e, gone);
        }
    }

    /**
     * Whether {@code errno} means the system already is as {@code operation} would make it: what is
     * added exists, what is deleted is gone, or its device disappeared (with its routes).
     */
    static boolean alreadyInPlace(Operation operation, int errno) {
        return switch (operation) {
            case Operation.AddRoute add -> errno == Errno.EEXIST;
            case Operation.AddRule add -> errno == Errno.EEXIST;
            case Operation.DeleteRoute delete ->
                    errno == Errno.ESRCH || errno == Errno.ENOENT || errno == Errno.ENODEV;
            case Operation.DeleteRule delete -> errno == Errno.ENOENT || errno == Errno.ESRCH;
            default -> false;
        };
    }

    /** Creates the table from scratch even if a stale one exists (add, delete, define). */
    static String replaceScript(FirewallTable table) {
        String header = "table " + table.family() + " " + table.name();
        return header + "\ndelete " + header + "\n" + header + " {\n" + table.script() + "}\n";
    }

    @Override
    public String readSysctl(String key) throws RouteException {
        try {
            return Sysctls.read(key);
        } catch (IOException e) {
            throw new RouteException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        netlink.close();
    }
}

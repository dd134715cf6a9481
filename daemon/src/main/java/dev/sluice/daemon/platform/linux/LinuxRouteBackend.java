package dev.sluice.daemon.platform.linux;

import dev.sluice.routing.manager.FirewallTable;
import dev.sluice.routing.manager.Operation;
import dev.sluice.routing.manager.RouteBackend;
import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.util.List;

/** Applies route-manager operations to Linux: rtnetlink, /proc/sys and nft. */
public final class LinuxRouteBackend implements RouteBackend, AutoCloseable {
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
            }
        } catch (IOException e) {
            throw new RouteException(e.getMessage(), e);
        }
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

package dev.sluice.daemon.platform.linux;

import dev.sluice.routing.IpPrefix;
import dev.sluice.routing.manager.RouteEntry;
import dev.sluice.routing.manager.RouteType;
import dev.sluice.routing.manager.RuleEntry;
import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * The rtnetlink operations Sluice performs: bring a link up with an MTU, add addresses, add and
 * delete routes and policy rules. Routes and rules Sluice creates carry protocol {@link
 * #SLUICE_PROTOCOL} so they can be told apart from others in dumps ({@code ip route} shows "proto
 * 83").
 */
public final class Rtnetlink implements Closeable {
    /** The route/rule protocol marking Sluice's entries. */
    public static final int SLUICE_PROTOCOL = 83;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;

    static final int IFF_UP = 0x1;
    static final int IFLA_MTU = 4;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_NODAD = 0x02;
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_TABLE = 15;
    static final int RTN_UNICAST = 1;
    static final int RTN_PROHIBIT = 8;
    static final int RTN_THROW = 9;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int FRA_IIFNAME = 3;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_SUPPRESS_PREFIXLEN = 14;
    static final int FRA_TABLE = 15;
    static final int FRA_FWMASK = 16;
    static final int FRA_PROTOCOL = 21;
    static final int FR_ACT_TO_TBL = 1;

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static Rtnetlink open() throws NativeException {
        return new Rtnetlink(NetlinkSocket.open());
    }

    /** The index of interface {@code name}. */
    public static int linkIndex(String name) throws NativeException {
        int index = LibC.if_nametoindex(name);
        if (index == 0) {
            throw new NativeException("if_nametoindex " + name, Errno.last());
        }
        return index;
    }

    /** Sets the link's MTU and brings it up. */
    public void linkUp(String name, int mtu) throws NativeException {
        ByteBuffer info = NetlinkMessage.fixed(16); // ifinfomsg
        info.putInt(4, linkIndex(name));
        info.putInt(8, IFF_UP);
        info.putInt(12, IFF_UP);
        socket.request(
                new NetlinkMessage(RTM_NEWLINK, NetlinkMessage.NLM_F_ACK)
                        .header(info.array())
                        .attributeInt(IFLA_MTU, mtu),
                "set " + name + " mtu " + mtu + " up");
    }

    /** Adds {@code address/prefixLength} to the link (IPv6 without duplicate address detection). */
    public void addAddress(String name, IpPrefix address, int prefixLength) throws NativeException {
        ByteBuffer header = NetlinkMessage.fixed(8); // ifaddrmsg
        header.put(0, (byte) (address.isIpv4() ? AF_INET : AF_INET6));
        header.put(1, (byte) prefixLength);
        header.put(2, (byte) (address.isIpv4() ? 0 : IFA_F_NODAD));
        header.putInt(4, linkIndex(name));
        byte[] bytes = addressBytes(address);
        NetlinkMessage message =
                new NetlinkMessage(
                                RTM_NEWADDR,
                                NetlinkMessage.NLM_F_ACK
                                        | NetlinkMessage.NLM_F_CREATE
                                        | NetlinkMessage.NLM_F_EXCL)
                        .header(header.array())
                        .attribute(IFA_LOCAL, bytes)
                        .attribute(IFA_ADDRESS, bytes);
        if (!address.isIpv4()) {
            message.attributeInt(IFA_FLAGS, IFA_F_NODAD);
        }
        socket.request(
                message,
                "add address " + address.addressText() + "/" + prefixLength + " dev " + name);
    }

    public void addRoute(RouteEntry route) throws NativeException {
        socket.request(
                routeMessage(
                        RTM_NEWROUTE,
                        NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL,
                        route),
                "add route " + route);
    }

    public void deleteRoute(RouteEntry route) throws NativeException {
        socket.request(routeMessage(RTM_DELROUTE, 0, route), "delete route " + route);
    }

    private NetlinkMessage routeMessage(int type, int flags, RouteEntry route)
            throws NativeException {
        IpPrefix destination = route.destination();
        ByteBuffer header = NetlinkMessage.fixed(12); // rtmsg
        header.put(0, (byte) (destination.isIpv4() ? AF_INET : AF_INET6));
        header.put(1, (byte) destination.length());
        header.put(4, (byte) (route.table() < 256 ? route.table() : 0));
        header.put(5, (byte) SLUICE_PROTOCOL);
        header.put(
                6, (byte) (route.type() == RouteType.UNICAST ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE));
        header.put(
                7,
                (byte)
                        switch (route.type()) {
                            case UNICAST -> RTN_UNICAST;
                            case THROW -> RTN_THROW;
                            case PROHIBIT -> RTN_PROHIBIT;
                        });
        NetlinkMessage message =
                new NetlinkMessage(type, NetlinkMessage.NLM_F_ACK | flags).header(header.array());
        if (destination.length() > 0) {
            message.attribute(RTA_DST, addressBytes(destination));
        }
        message.attributeInt(RTA_TABLE, route.table());
        if (route.type() == RouteType.UNICAST) {
            message.attributeInt(RTA_OIF, linkIndex(route.device()));
        }
        return message;
    }

    public void addRule(RuleEntry rule) throws NativeException {
        socket.request(
                ruleMessage(
                        RTM_NEWRULE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, rule),
                "add rule " + rule);
    }

    public void deleteRule(RuleEntry rule) throws NativeException {
        socket.request(ruleMessage(RTM_DELRULE, 0, rule), "delete rule " + rule);
    }

    private static NetlinkMessage ruleMessage(int type, int flags, RuleEntry rule) {
        ByteBuffer header = NetlinkMessage.fixed(12); // fib_rule_hdr
        header.put(
                0, (byte) (rule.family() == dev.sluice.routing.IpFamily.IPV4 ? AF_INET : AF_INET6));
        header.put(4, (byte) (rule.table() < 256 ? rule.table() : 0));
        header.put(7, (byte) FR_ACT_TO_TBL);
        NetlinkMessage message =
                new NetlinkMessage(type, NetlinkMessage.NLM_F_ACK | flags)
                        .header(header.array())
                        .attributeInt(FRA_PRIORITY, rule.priority())
                        .attributeInt(FRA_TABLE, rule.table())
                        .attributeByte(FRA_PROTOCOL, SLUICE_PROTOCOL);
        if (rule.inputInterface() != null) {
            message.attributeString(FRA_IIFNAME, rule.inputInterface());
        }
        if (rule.fwmark() != 0) {
            message.attributeInt(FRA_FWMARK, rule.fwmark());
            message.attributeInt(FRA_FWMASK, 0xffffffff);
        }
        if (rule.suppressPrefixLength() >= 0) {
            message.attributeInt(FRA_SUPPRESS_PREFIXLEN, rule.suppressPrefixLength());
        }
        return message;
    }

    /**
     * Every route ({@link #RTM_GETROUTE}) or rule ({@link #RTM_GETRULE}) of {@code family}, as the
     * kernel's reply messages (header included).
     */
    static java.util.List<ByteBuffer> dump(NetlinkSocket socket, int type, int family, String what)
            throws NativeException {
        byte[] header = new byte[12]; // rtmsg and fib_rule_hdr: the family comes first
        header[0] = (byte) family;
        return socket.dump(
                new NetlinkMessage(type, NetlinkMessage.NLM_F_DUMP).header(header), what);
    }

    /**
     * The table of a route or rule reply: the 32-bit {@code RTA_TABLE}/{@code FRA_TABLE} attribute
     * when present (tables above 255), else the header's byte.
     */
    static int table(ByteBuffer reply, java.util.Map<Integer, byte[]> attributes) {
        byte[] table = attributes.get(RTA_TABLE); // RTA_TABLE == FRA_TABLE == 15
        return table != null
                ? LinuxSystemState.integer(table)
                : reply.get(NetlinkMessage.HEADER_LENGTH + 4) & 0xff;
    }

    static byte[] addressBytes(IpPrefix prefix) {
        if (prefix.isIpv4()) {
            return ByteBuffer.allocate(4).putInt(prefix.ipv4Address()).array();
        }
        return ByteBuffer.allocate(16).putLong(prefix.high()).putLong(prefix.low()).array();
    }

    NetlinkSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        socket.close();
    }
}

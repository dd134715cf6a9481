package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory macOS routing table behind routing sockets, speaking bytes: every message written is
 * decoded with {@link RoutingMessageCodec}, applied as {@code route_output} (bsd/net/rtsock.c)
 * would, and echoed to every open socket; answers and the {@code NET_RT_DUMP2} dump are encoded
 * back in the kernel's own form (netmasks trimmed, their leading bytes 0xff as {@code rn_addmask}
 * leaves them). Each request becomes a line of {@link #transcript()}: the decoded message, and the
 * errno when refused.
 *
 * <p>Simplifications: a lookup is exact (prefix and scope), as {@code RTM_GET} with a netmask; a
 * gateway address must be on a network an interface route covers, else {@code ENETUNREACH}.
 */
public final class FakeRoutingKernel {
    /** The process id of the program under test (Sluice). */
    public static final int PID = 4242;

    /** The process id other programs' changes carry. */
    public static final int OTHER_PID = 99;

    private final Map<String, Integer> interfaces = new LinkedHashMap<>();
    private final List<Entry> table = new ArrayList<>();
    private final List<String> transcript = new ArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** One route of the table. */
    private record Entry(IpPrefix prefix, Sockaddr gateway, int flags, int index, int scope) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    /** Makes interface {@code name} exist with {@code index}. */
    public synchronized FakeRoutingKernel withInterface(String name, int index) {
        interfaces.put(name, index);
        return this;
    }

    /** A route another program (or the system) put in place before the test. */
    public synchronized FakeRoutingKernel withRoute(
            String prefix, Sockaddr gateway, int flags, String device, int scope) {
        table.add(
                new Entry(
                        IpPrefix.parse(prefix),
                        gateway,
                        RouteFlags.RTF_UP | flags,
                        interfaces.get(device),
                        scope));
        return this;
    }

    /** A new routing socket on this kernel. */
    public Socket open() {
        Socket socket = new Socket(PID);
        sockets.add(socket);
        return socket;
    }

    /** A socket of another program (its changes echo to Sluice's sockets, with its pid). */
    public Socket openAsOtherProgram() {
        Socket socket = new Socket(OTHER_PID);
        sockets.add(socket);
        return socket;
    }

    /**
     * Another program (configd, {@code route}) changes the table through a socket of its own:
     * {@code type} {@code RTM_ADD} or {@code RTM_DELETE} of {@code prefix}, with {@code gateway}
     * for an add, without Sluice's mark.
     */
    public void otherProgram(int type, String prefix, Sockaddr gateway) throws SystemCallException {
        IpPrefix destination = IpPrefix.parse(prefix);
        Map<Integer, Sockaddr> addresses = new LinkedHashMap<>();
        addresses.put(
                RouteFlags.RTAX_DST,
                new Sockaddr.Inet(
                        destination.isIpv4()
                                ? IpPrefix.hostV4(destination.ipv4Address())
                                : IpPrefix.hostV6(destination.high(), destination.low()),
                        0));
        if (gateway != null) {
            addresses.put(RouteFlags.RTAX_GATEWAY, gateway);
        }
        addresses.put(
                RouteFlags.RTAX_NETMASK,
                new Sockaddr.Mask(destination.family(), destination.length()));
        int flags =
                RouteFlags.RTF_UP
                        | RouteFlags.RTF_STATIC
                        | (gateway instanceof Sockaddr.Inet ? RouteFlags.RTF_GATEWAY : 0);
        try (Socket socket = openAsOtherProgram()) {
            socket.write(
                    RoutingMessageCodec.encode(
                            new RoutingMessage.Route(type, flags, 0, 0, 1, 0, addresses)));
        }
    }

    /**
     * The interface goes away with its routes, as a utun does when the process holding its control
     * socket dies: an {@code RTM_DELETE} for each, then {@code RTM_IFINFO} down.
     */
    public synchronized void destroyInterface(String name) {
        int index = interfaces.remove(name);
        for (Entry entry : List.copyOf(table)) {
            if (entry.index() == index) {
                table.remove(entry);
                broadcast(encode(entry, RouteFlags.RTM_DELETE, 0, 0));
            }
        }
        transcript.add("(interface " + name + " destroyed)");
    }

    /** The table, one line per route, as {@code netstat -rn} would order it (insertion). */
    public synchronized List<String> routes() {
        List<String> lines = new ArrayList<>();
        for (Entry entry : table) {
            lines.add(
                    entry.prefix()
                            + " "
                            + entry.gateway()
                            + " "
                            + RouteFlags.routeFlagNames(entry.flags())
                            + (entry.scope() != 0 ? " ifscope " + entry.scope() : ""));
        }
        return lines;
    }

    /** Every request so far, one line each. */
    public synchronized String transcript() {
        return transcript.isEmpty() ? "" : String.join("\n", transcript) + "\n";
    }

    public synchronized void clearTranscript() {
        transcript.clear();
    }

    private synchronized void process(Socket from, byte[] bytes) throws SystemCallException {
        RoutingMessage.Route request;
        try {
            request =
                    (RoutingMessage.Route)
                            RoutingMessageCodec.decode(ByteBuffer.wrap(bytes), 0, bytes.length);
        } catch (IllegalArgumentException | ClassCastException e) {
            transcript.add("(unreadable message: " + e.getMessage() + ") -> EINVAL");
            throw new SystemCallException("write to the routing socket", Errno.EINVAL);
        }
        int errno = apply(from, request);
        String who = from.pid == PID ? "" : "[pid " + from.pid + "] ";
        transcript.add(
                who + request + (errno == 0 ? "" : " -> " + Errno.describe(errno).split(" ")[0]));
        if (errno != 0) {
            throw new SystemCallException("write to the routing socket", errno);
        }
    }

    private int apply(Socket from, RoutingMessage.Route request) {
        IpPrefix prefix = request.prefix();
        if (prefix == null) {
            return Errno.EINVAL;
        }
        int scope = request.scope();
        Entry existing = find(prefix, scope);
        switch (request.type()) {
            case RouteFlags.RTM_ADD -> {
                if (request.gateway() == null) {
                    return Errno.EINVAL;
                }
                if (existing != null) {
                    return Errno.EEXIST;
                }
                int index = interfaceFor(request.gateway(), scope);
                if (index == 0) {
                    return Errno.ENETUNREACH;
                }
                Entry added =
                        new Entry(
                                prefix,
                                request.gateway(),
                                RouteFlags.RTF_UP | request.flags(),
                                index,
                                scope);
                table.add(added);
                broadcast(encode(added, RouteFlags.RTM_ADD, from.pid, request.seq()));
            }
            case RouteFlags.RTM_DELETE -> {
                if (existing == null) {
                    return Errno.ESRCH;
                }
                table.remove(existing);
                broadcast(encode(existing, RouteFlags.RTM_DELETE, from.pid, request.seq()));
            }
            case RouteFlags.RTM_CHANGE -> {
                if (existing == null) {
                    return Errno.ESRCH;
                }
                int index = interfaceFor(request.gateway(), scope);
                if (index == 0) {
                    return Errno.ENETUNREACH;
                }
                Entry changed =
                        new Entry(prefix, request.gateway(), existing.flags(), index, scope);
                table.set(table.indexOf(existing), changed);
                broadcast(encode(changed, RouteFlags.RTM_CHANGE, from.pid, request.seq()));
            }
            case RouteFlags.RTM_GET -> {
                if (existing == null) {
                    return Errno.ESRCH;
                }
                from.inbox.add(encode(existing, RouteFlags.RTM_GET, from.pid, request.seq()));
            }
            default -> {
                return Errno.ENOTSUP;
            }
        }
        return 0;
    }

    private Entry find(IpPrefix prefix, int scope) {
        for (Entry entry : table) {
            if (entry.prefix().equals(prefix) && entry.scope() == scope) {
                return entry;
            }
        }
        return null;
    }

    /** The interface a route through {@code gateway} uses, 0 when none is reachable. */
    private int interfaceFor(Sockaddr gateway, int scope) {
        if (gateway instanceof Sockaddr.Link link) {
            return interfaces.containsValue(link.index()) ? link.index() : 0;
        }
        if (gateway instanceof Sockaddr.Inet inet) {
            if (inet.scopeId() != 0) {
                return interfaces.containsValue(inet.scopeId()) ? inet.scopeId() : 0;
            }
            for (Entry entry : table) {
                if (!entry.has(RouteFlags.RTF_GATEWAY)
                        && entry.prefix().length() > 0
                        && entry.prefix().contains(inet.address())
                        && (scope == 0 || entry.index() == scope)
                        && entry.gateway() instanceof Sockaddr.Link) {
                    return entry.index();
                }
            }
        }
        return 0;
    }

    private byte[] encode(Entry entry, int type, int pid, int seq) {
        Map<Integer, Sockaddr> addresses = new LinkedHashMap<>();
        IpPrefix prefix = entry.prefix();
        addresses.put(
                RouteFlags.RTAX_DST,
                new Sockaddr.Inet(
                        prefix.isIpv4()
                                ? IpPrefix.hostV4(prefix.ipv4Address())
                                : IpPrefix.hostV6(prefix.high(), prefix.low()),
                        0));
        addresses.put(RouteFlags.RTAX_GATEWAY, entry.gateway());
        if (!entry.has(RouteFlags.RTF_HOST)) {
            addresses.put(RouteFlags.RTAX_NETMASK, kernelMask(prefix));
        }
        if (type == RouteFlags.RTM_GET) {
            addresses.put(
                    RouteFlags.RTAX_IFP,
                    new Sockaddr.Link(entry.index(), 0, name(entry.index()), new byte[0]));
        }
        int flags = entry.flags() | (type == RouteFlags.RTM_GET2 ? 0 : RouteFlags.RTF_DONE);
        int index = entry.scope() != 0 ? entry.scope() : entry.index();
        return RoutingMessageCodec.encode(
                new RoutingMessage.Route(type, flags, index, pid, seq, 0, addresses));
    }

    private String name(int index) {
        for (Map.Entry<String, Integer> entry : interfaces.entrySet()) {
            if (entry.getValue() == index) {
                return entry.getKey();
            }
        }
        return "";
    }

    /**
     * A netmask as the kernel reports it: the bytes before the address 0xff ({@code rn_addmask}
     * fills them with ones), trailing zero bytes trimmed ({@code sa_trim}), zero length for /0.
     */
    static Sockaddr kernelMask(IpPrefix prefix) {
        if (prefix.length() == 0) {
            return new Sockaddr.Empty();
        }
        int skip = prefix.family() == IpFamily.IPV4 ? 4 : 8;
        int bytes = (prefix.length() + 7) / 8;
        byte[] mask = new byte[skip + bytes];
        mask[0] = (byte) mask.length;
        for (int i = 1; i < skip; i++) {
            mask[i] = (byte) 0xff;
        }
        for (int bit = 0; bit < prefix.length(); bit++) {
            mask[skip + bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return new Sockaddr.Other(0xff, mask);
    }

    private synchronized byte[] dump() {
        transcript.add("sysctl NET_RT_DUMP2");
        ByteBuffer all = ByteBuffer.allocate(64 * 1024);
        for (Entry entry : table) {
            all.put(encode(entry, RouteFlags.RTM_GET2, 0, 0));
        }
        byte[] bytes = new byte[all.position()];
        all.flip().get(bytes);
        return bytes;
    }

    private void broadcast(byte[] message) {
        for (Socket socket : sockets) {
            socket.inbox.add(message);
        }
    }

    /** One routing socket. */
    public final class Socket implements RoutingKernel {
        private final int pid;
        private final LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();

        private Socket(int pid) {
            this.pid = pid;
        }

        @Override
        public void write(byte[] message) throws SystemCallException {
            process(this, message);
        }

        @Override
        public byte[] read(int timeoutMs) throws IOException {
            try {
                return inbox.poll(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public byte[] dump() {
            return FakeRoutingKernel.this.dump();
        }

        @Override
        public int interfaceIndex(String name) {
            synchronized (FakeRoutingKernel.this) {
                return interfaces.getOrDefault(name, 0);
            }
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public void close() {
            sockets.remove(this);
        }
    }
}

package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routing messages as bytes ({@code bsd/net/route.h}, {@code bsd/net/if.h}, xnu-11417), host-order
 * fields little-endian. Every message starts with its length, version and type; addresses follow
 * the header in {@code RTAX_*} order, one per bit of the address mask ({@link SockaddrCodec}).
 *
 * <pre>
 *   rt_msghdr (92)   0 msglen u16 | 2 version | 3 type | 4 index u16 | 8 flags | 12 addrs
 *                   16 pid | 20 seq | 24 errno | 28 use | 32 inits | 36 rt_metrics (14 x u32)
 *   rt_msghdr2 (92)  as rt_msghdr, but 16 refcnt | 20 parentflags | 24 reserved
 *   if_msghdr (112)  0 msglen | 2 version | 3 type | 4 addrs | 8 flags | 12 index u16
 *                   16 if_data (96, pack 4): 16 ifi_type … 24 ifi_mtu …
 *   ifa_msghdr (20)  0 msglen | 2 version | 3 type | 4 addrs | 8 flags | 12 index u16 | 16 metric
 * </pre>
 *
 * Decoding checks every length against the buffer and throws {@link IllegalArgumentException}
 * naming the offset at fault; it never reads past the message.
 */
public final class RoutingMessageCodec {
    public static final int RT_MSGHDR_LENGTH = 92;
    public static final int IF_MSGHDR_LENGTH = 112;
    public static final int IFA_MSGHDR_LENGTH = 20;
    private static final int COMMON_LENGTH = 4;

    private RoutingMessageCodec() {}

    /** A route message as {@code struct rt_msghdr} and its addresses, ready to write. */
    public static byte[] encode(RoutingMessage.Route message) {
        int length = RT_MSGHDR_LENGTH;
        for (Sockaddr address : message.addresses().values()) {
            length += SockaddrCodec.length(address);
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        int addrs = 0;
        for (int rtax : message.addresses().keySet()) {
            addrs |= 1 << rtax;
        }
        buffer.putShort(0, (short) length);
        buffer.put(2, (byte) RouteFlags.RTM_VERSION);
        buffer.put(3, (byte) message.type());
        buffer.putShort(4, (short) message.index());
        buffer.putInt(8, message.flags());
        buffer.putInt(12, addrs);
        buffer.putInt(16, message.pid());
        buffer.putInt(20, message.seq());
        buffer.putInt(24, message.errno());
        buffer.position(RT_MSGHDR_LENGTH);
        for (Sockaddr address : message.addresses().values()) {
            SockaddrCodec.write(buffer, address);
        }
        return buffer.array();
    }

    /** Every message of a buffer holding several back to back (a sysctl dump). */
    public static List<RoutingMessage> decodeAll(ByteBuffer buffer, int offset, int end) {
        List<RoutingMessage> messages = new ArrayList<>();
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (offset < end) {
            if (end - offset < COMMON_LENGTH) {
                throw new IllegalArgumentException("truncated message header at offset " + offset);
            }
            int length = in.getShort(offset) & 0xffff;
            if (length < COMMON_LENGTH || offset + length > end) {
                throw new IllegalArgumentException(
                        "message at offset "
                                + offset
                                + " claims "
                                + length
                                + " bytes, "
                                + (end - offset)
                                + " left");
            }
            messages.add(decode(in, offset, length));
            offset += length;
        }
        return messages;
    }

    /** The message of {@code length} bytes at {@code offset}. */
    public static RoutingMessage decode(ByteBuffer buffer, int offset, int length) {
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (length < COMMON_LENGTH || offset + length > in.limit()) {
            throw new IllegalArgumentException(
                    "message at offset " + offset + " of " + length + " bytes is truncated");
        }
        int version = in.get(offset + 2) & 0xff;
        int type = in.get(offset + 3) & 0xff;
        if (version != RouteFlags.RTM_VERSION) {
            throw new IllegalArgumentException(
                    "message at offset "
                            + offset
                            + " has version "
                            + version
                            + ", not "
                            + RouteFlags.RTM_VERSION);
        }
        int end = offset + length;
        return switch (type) {
            case RouteFlags.RTM_ADD,
                    RouteFlags.RTM_DELETE,
                    RouteFlags.RTM_CHANGE,
                    RouteFlags.RTM_GET,
                    RouteFlags.RTM_GET2 -> {
                require(length, RT_MSGHDR_LENGTH, offset, type);
                boolean dumped = type == RouteFlags.RTM_GET2;
                yield new RoutingMessage.Route(
                        type,
                        in.getInt(offset + 8),
                        in.getShort(offset + 4) & 0xffff,
                        dumped ? 0 : in.getInt(offset + 16),
                        dumped ? 0 : in.getInt(offset + 20),
                        dumped ? 0 : in.getInt(offset + 24),
                        addresses(in, offset + RT_MSGHDR_LENGTH, end, in.getInt(offset + 12)));
            }
            case RouteFlags.RTM_IFINFO -> {
                require(length, IF_MSGHDR_LENGTH, offset, type);
                yield new RoutingMessage.Interface(
                        type,
                        in.getInt(offset + 8),
                        in.getShort(offset + 12) & 0xffff,
                        in.get(offset + 16) & 0xff,
                        in.getInt(offset + 24),
                        addresses(in, offset + IF_MSGHDR_LENGTH, end, in.getInt(offset + 4)));
            }
            case RouteFlags.RTM_NEWADDR, RouteFlags.RTM_DELADDR -> {
                require(length, IFA_MSGHDR_LENGTH, offset, type);
                yield new RoutingMessage.Address(
                        type,
                        in.getInt(offset + 8),
                        in.getShort(offset + 12) & 0xffff,
                        in.getInt(offset + 16),
                        addresses(in, offset + IFA_MSGHDR_LENGTH, end, in.getInt(offset + 4)));
            }
            default -> new RoutingMessage.Other(type, length);
        };
    }

    private static void require(int length, int header, int offset, int type) {
        if (length < header) {
            throw new IllegalArgumentException(
                    RouteFlags.typeName(type)
                            + " at offset "
                            + offset
                            + " has "
                            + length
                            + " bytes, shorter than its "
                            + header
                            + "-byte header");
        }
    }

    /**
     * The addresses of {@code addrs}, read from {@code offset}; the netmask is read as a mask of
     * the destination's family (or the interface address's, as the kernel's {@code rtm_scrub}).
     */
    private static Map<Integer, Sockaddr> addresses(ByteBuffer in, int offset, int end, int addrs) {
        Map<Integer, Sockaddr> addresses = new LinkedHashMap<>();
        IpFamily family = null;
        for (int rtax = 0; rtax < RouteFlags.RTAX_MAX; rtax++) {
            if ((addrs & 1 << rtax) == 0) {
                continue;
            }
            if (rtax == RouteFlags.RTAX_NETMASK && family == null) {
                family = familyOfLater(in, offset, end, addrs);
            }
            boolean mask = rtax == RouteFlags.RTAX_NETMASK || rtax == RouteFlags.RTAX_GENMASK;
            Sockaddr address = SockaddrCodec.read(in, offset, end, mask ? family : null);
            addresses.put(rtax, address);
            if (rtax == RouteFlags.RTAX_DST && address instanceof Sockaddr.Inet inet) {
                family = inet.family();
            }
            offset += SockaddrCodec.rounded(in.get(offset) & 0xff);
        }
        return addresses;
    }

    /**
     * Without a destination (interface address messages), the family of the interface address that
     * follows the netmask decides how the netmask reads.
     */
    private static IpFamily familyOfLater(ByteBuffer in, int offset, int end, int addrs) {
        int position = offset;
        for (int rtax = RouteFlags.RTAX_NETMASK; rtax < RouteFlags.RTAX_MAX; rtax++) {
            if ((addrs & 1 << rtax) == 0) {
                continue;
            }
            if (position >= end) {
                return null;
            }
            if (rtax == RouteFlags.RTAX_IFA) {
                Sockaddr ifa = SockaddrCodec.read(in, position, end, null);
                return ifa instanceof Sockaddr.Inet inet ? inet.family() : null;
            }
            position += SockaddrCodec.rounded(in.get(position) & 0xff);
        }
        return null;
    }
}

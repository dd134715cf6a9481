package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The interface ioctl arguments that configure a utun, as {@code ifconfig} fills them:
 *
 * <pre>
 *   struct ifreq (bsd/net/if.h, 32)          0 ifr_name[16] | 16 union: ifru_flags (short), ifru_mtu (int)
 *   struct ifaliasreq (bsd/net/if.h, 64)     0 ifra_name[16] | 16 ifra_addr | 32 ifra_broadaddr
 *                                            | 48 ifra_mask  (three sockaddr_in)
 *   struct in6_aliasreq (bsd/netinet6/in6_var.h, 128)
 *       0 ifra_name[16] | 16 ifra_addr | 44 ifra_dstaddr | 72 ifra_prefixmask (three sockaddr_in6)
 *       | 100 ifra_flags | 104 ifra_lifetime: ia6t_expire (time_t) | 112 ia6t_preferred (time_t)
 *       | 120 ia6t_vltime u32 | 124 ia6t_pltime u32
 * </pre>
 *
 * A utun is point to point: its IPv4 address is its own destination ({@code ifconfig utunN inet A
 * A}). IPv6 addresses get infinite lifetimes ({@code ND6_INFINITE_LIFETIME}, bsd/netinet6/nd6.h)
 * and {@code IN6_IFF_NODAD}: duplicate address detection on a tunnel only delays the address.
 */
public final class InterfaceRequests {
    static final int IFNAMSIZ = 16;
    static final int IFREQ_LENGTH = 32;
    static final int IFALIASREQ_LENGTH = 64;
    static final int IN6_ALIASREQ_LENGTH = 128;

    /** {@code IN6_IFF_NODAD}, bsd/netinet6/in6_var.h. */
    public static final int IN6_IFF_NODAD = 0x0020;

    /** {@code ND6_INFINITE_LIFETIME}, bsd/netinet6/nd6.h. */
    public static final int ND6_INFINITE_LIFETIME = 0xffffffff;

    private InterfaceRequests() {}

    /** {@code struct ifreq} setting {@code ifr_mtu} (for {@code SIOCSIFMTU}). */
    public static byte[] mtu(String name, int mtu) {
        ByteBuffer request = named(name, IFREQ_LENGTH);
        request.putInt(IFNAMSIZ, mtu);
        return request.array();
    }

    /** {@code struct ifreq} carrying {@code ifr_flags} (for {@code SIOCGIFFLAGS}/{@code S}). */
    public static byte[] flags(String name, int flags) {
        ByteBuffer request = named(name, IFREQ_LENGTH);
        request.putShort(IFNAMSIZ, (short) flags);
        return request.array();
    }

    /** The {@code ifr_flags} of a {@code struct ifreq} (what {@code SIOCGIFFLAGS} wrote). */
    public static int flagsOf(byte[] ifreq) {
        return ByteBuffer.wrap(ifreq).order(ByteOrder.LITTLE_ENDIAN).getShort(IFNAMSIZ) & 0xffff;
    }

    /** {@code struct ifaliasreq} adding IPv4 {@code address}/{@code prefixLength} to a utun. */
    public static byte[] ipv4Alias(String name, IpPrefix address, int prefixLength) {
        requireFamily(address, IpFamily.IPV4);
        ByteBuffer request = named(name, IFALIASREQ_LENGTH);
        Sockaddr.Inet own = new Sockaddr.Inet(address, 0);
        request.position(16);
        SockaddrCodec.write(request, own);
        SockaddrCodec.write(request, own);
        SockaddrCodec.write(request, new Sockaddr.Mask(IpFamily.IPV4, prefixLength));
        return request.array();
    }

    /** {@code struct in6_aliasreq} adding IPv6 {@code address}/{@code prefixLength}. */
    public static byte[] ipv6Alias(String name, IpPrefix address, int prefixLength) {
        requireFamily(address, IpFamily.IPV6);
        ByteBuffer request = named(name, IN6_ALIASREQ_LENGTH);
        request.position(16);
        SockaddrCodec.write(request, new Sockaddr.Inet(address, 0));
        request.position(72); // ifra_dstaddr stays empty: the prefix length may then be any
        SockaddrCodec.write(request, new Sockaddr.Mask(IpFamily.IPV6, prefixLength));
        request.putInt(100, IN6_IFF_NODAD);
        request.putInt(120, ND6_INFINITE_LIFETIME);
        request.putInt(124, ND6_INFINITE_LIFETIME);
        return request.array();
    }

    private static ByteBuffer named(String name, int length) {
        byte[] text = name.getBytes(StandardCharsets.US_ASCII);
        if (text.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than 15: " + name);
        }
        ByteBuffer request = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        request.put(0, text);
        return request;
    }

    private static void requireFamily(IpPrefix address, IpFamily family) {
        if (address.family() != family) {
            throw new IllegalArgumentException(address + " is not " + family);
        }
    }
}

package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Socket addresses in the byte layouts of the XNU headers; fields in host order are little-endian
 * (every Mac Sluice runs on), addresses and ports in network order:
 *
 * <pre>
 *   sockaddr_in  (bsd/netinet/in.h, 16)   len | family=2  | port(2) | addr(4) | zero(8)
 *   sockaddr_in6 (bsd/netinet6/in6.h, 28) len | family=30 | port(2) | flowinfo(4) | addr(16) | scope_id(4)
 *   sockaddr_dl  (bsd/net/if_dl.h, &gt;=20)  len | family=18 | index(2) | type | nlen | alen | slen | name, lladdr
 * </pre>
 *
 * In a routing message each address is padded to a multiple of 4 bytes, and a zero-length one still
 * takes 4 ({@code ROUNDUP32} in bsd/net/rtsock.c). Netmasks come back from the kernel trimmed
 * ({@code sa_trim}, {@code rn_addmask} in bsd/net/route.c and radix.c): {@code sa_len} stops after
 * the last non-zero byte and the bytes before the address may be 0xff instead of a family, so a
 * mask is read from the offset of the address of its destination's family, missing bytes being 0.
 *
 * <p>Link-local IPv6 addresses carry their interface in the KAME form the kernel uses by default
 * ({@code in6_embedded_scope = 1}, bsd/netinet6/scope6.c): in bytes 2-3 of the address, with {@code
 * sin6_scope_id} 0, as {@code route(8)} sends them. Reading accepts either form.
 */
public final class SockaddrCodec {
    static final int SOCKADDR_IN_LENGTH = 16;
    static final int SOCKADDR_IN6_LENGTH = 28;
    static final int SOCKADDR_DL_LENGTH = 20;
    private static final int SIN_ADDR_OFFSET = 4;
    private static final int SIN6_ADDR_OFFSET = 8;
    private static final int SIN6_SCOPE_OFFSET = 24;
    private static final int SDL_DATA_OFFSET = 8;

    private SockaddrCodec() {}

    /** {@code ROUNDUP32}: the room a sockaddr of {@code saLen} bytes takes in a message. */
    public static int rounded(int saLen) {
        return saLen > 0 ? 1 + ((saLen - 1) | 3) : 4;
    }

    /** The room {@code address} takes in a message, padding included. */
    public static int length(Sockaddr address) {
        return rounded(saLen(address));
    }

    private static int saLen(Sockaddr address) {
        return switch (address) {
            case Sockaddr.Inet inet -> inet.address().isIpv4() ? 16 : 28;
            case Sockaddr.Mask mask -> mask.family() == IpFamily.IPV4 ? 16 : 28;
            case Sockaddr.Link link -> Math.max(SOCKADDR_DL_LENGTH, linkDataEnd(link));
            case Sockaddr.Empty empty -> 0;
            case Sockaddr.Other other -> other.bytes().length;
        };
    }

    private static int linkDataEnd(Sockaddr.Link link) {
        return SDL_DATA_OFFSET
                + link.name().getBytes(StandardCharsets.US_ASCII).length
                + link.address().length;
    }

    /** Writes {@code address} at the buffer's position, padded, and advances past it. */
    public static void write(ByteBuffer out, Sockaddr address) {
        ByteBuffer buffer = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = out.position();
        int length = length(address);
        for (int i = 0; i < length; i++) {
            buffer.put(start + i, (byte) 0);
        }
        int saLen = saLen(address);
        switch (address) {
            case Sockaddr.Inet inet -> {
                buffer.put(start, (byte) saLen);
                if (inet.address().isIpv4()) {
                    buffer.put(start + 1, (byte) Sockaddr.AF_INET);
                    buffer.putInt(
                            start + SIN_ADDR_OFFSET,
                            Integer.reverseBytes(inet.address().ipv4Address()));
                } else {
                    buffer.put(start + 1, (byte) Sockaddr.AF_INET6);
                    long high = inet.address().high();
                    if (inet.scopeId() != 0 && embedsScope(high)) {
                        high |= (long) (inet.scopeId() & 0xffff) << 32;
                    }
                    buffer.putLong(start + SIN6_ADDR_OFFSET, Long.reverseBytes(high));
                    buffer.putLong(
                            start + SIN6_ADDR_OFFSET + 8, Long.reverseBytes(inet.address().low()));
                }
            }
            case Sockaddr.Mask mask -> {
                buffer.put(start, (byte) saLen);
                if (mask.family() == IpFamily.IPV4) {
                    buffer.put(start + 1, (byte) Sockaddr.AF_INET);
                    int bits = mask.length() == 0 ? 0 : -1 << (32 - mask.length());
                    buffer.putInt(start + SIN_ADDR_OFFSET, Integer.reverseBytes(bits));
                } else {
                    buffer.put(start + 1, (byte) Sockaddr.AF_INET6);
                    buffer.putLong(
                            start + SIN6_ADDR_OFFSET,
                            Long.reverseBytes(IpPrefix.highMask(mask.length())));
                    buffer.putLong(
                            start + SIN6_ADDR_OFFSET + 8,
                            Long.reverseBytes(IpPrefix.lowMask(mask.length())));
                }
            }
            case Sockaddr.Link link -> {
                byte[] name = link.name().getBytes(StandardCharsets.US_ASCII);
                byte[] lladdr = link.address();
                buffer.put(start, (byte) saLen);
                buffer.put(start + 1, (byte) Sockaddr.AF_LINK);
                buffer.putShort(start + 2, (short) link.index());
                buffer.put(start + 4, (byte) link.type());
                buffer.put(start + 5, (byte) name.length);
                buffer.put(start + 6, (byte) lladdr.length);
                buffer.put(start + SDL_DATA_OFFSET, name);
                buffer.put(start + SDL_DATA_OFFSET + name.length, lladdr);
            }
            case Sockaddr.Empty empty -> {}
            case Sockaddr.Other other -> buffer.put(start, other.bytes());
        }
        out.position(start + length);
    }

    /**
     * Reads the sockaddr at {@code offset} (its {@code sa_len} byte), not past {@code end}.
     *
     * @param asMaskOf when the address is a netmask: the family of its destination, which says
     *     where the mask bytes start (null for any other address)
     * @throws IllegalArgumentException naming the offset when the address runs past {@code end}
     */
    public static Sockaddr read(ByteBuffer in, int offset, int end, IpFamily asMaskOf) {
        ByteBuffer buffer = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (offset >= end) {
            throw new IllegalArgumentException("sockaddr at offset " + offset + " is missing");
        }
        int saLen = buffer.get(offset) & 0xff;
        if (offset + saLen > end) {
            throw new IllegalArgumentException(
                    "sockaddr at offset "
                            + offset
                            + " claims "
                            + saLen
                            + " bytes, only "
                            + (end - offset)
                            + " left");
        }
        if (saLen == 0) {
            return asMaskOf != null ? new Sockaddr.Mask(asMaskOf, 0) : new Sockaddr.Empty();
        }
        if (asMaskOf != null) {
            return mask(buffer, offset, saLen, asMaskOf);
        }
        int family = saLen > 1 ? buffer.get(offset + 1) & 0xff : Sockaddr.AF_UNSPEC;
        if (family == Sockaddr.AF_INET && saLen >= SIN_ADDR_OFFSET + 4) {
            int address = Integer.reverseBytes(buffer.getInt(offset + SIN_ADDR_OFFSET));
            return new Sockaddr.Inet(IpPrefix.hostV4(address), 0);
        }
        if (family == Sockaddr.AF_INET6 && saLen >= SIN6_ADDR_OFFSET + 16) {
            long high = Long.reverseBytes(buffer.getLong(offset + SIN6_ADDR_OFFSET));
            long low = Long.reverseBytes(buffer.getLong(offset + SIN6_ADDR_OFFSET + 8));
            int scope =
                    saLen >= SIN6_SCOPE_OFFSET + 4 ? buffer.getInt(offset + SIN6_SCOPE_OFFSET) : 0;
            if (embedsScope(high)) {
                int embedded = (int) (high >>> 32) & 0xffff;
                high &= ~(0xffffL << 32);
                if (scope == 0) {
                    scope = embedded;
                }
            }
            return new Sockaddr.Inet(IpPrefix.hostV6(high, low), scope);
        }
        if (family == Sockaddr.AF_LINK && saLen >= SDL_DATA_OFFSET) {
            int index = buffer.getShort(offset + 2) & 0xffff;
            int type = buffer.get(offset + 4) & 0xff;
            int nameLength = buffer.get(offset + 5) & 0xff;
            int addressLength = buffer.get(offset + 6) & 0xff;
            if (SDL_DATA_OFFSET + nameLength + addressLength <= saLen) {
                byte[] name = new byte[nameLength];
                buffer.get(offset + SDL_DATA_OFFSET, name);
                byte[] lladdr = new byte[addressLength];
                buffer.get(offset + SDL_DATA_OFFSET + nameLength, lladdr);
                return new Sockaddr.Link(
                        index, type, new String(name, StandardCharsets.US_ASCII), lladdr);
            }
        }
        byte[] raw = new byte[saLen];
        buffer.get(offset, raw);
        return new Sockaddr.Other(family, raw);
    }

    /** A mask in full or trimmed form; a non-contiguous one stays as its bytes. */
    private static Sockaddr mask(ByteBuffer buffer, int offset, int saLen, IpFamily family) {
        int start = family == IpFamily.IPV4 ? SIN_ADDR_OFFSET : SIN6_ADDR_OFFSET;
        int width = family == IpFamily.IPV4 ? 4 : 16;
        int length = 0;
        boolean ended = false;
        for (int i = 0; i < width; i++) {
            int index = start + i;
            int value = index < saLen ? buffer.get(offset + index) & 0xff : 0;
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (value >>> bit & 1) != 0;
                if (one && ended) {
                    byte[] raw = new byte[saLen];
                    buffer.get(offset, raw);
                    return new Sockaddr.Other(buffer.get(offset + 1) & 0xff, raw);
                }
                if (one) {
                    length++;
                } else {
                    ended = true;
                }
            }
        }
        return new Sockaddr.Mask(family, length);
    }

    /** {@code IN6_IS_SCOPE_EMBED}: link-local unicast, link- and interface-local multicast. */
    private static boolean embedsScope(long high) {
        int first = (int) (high >>> 48) & 0xffff;
        return (first & 0xffc0) == 0xfe80 || first == 0xff02 || first == 0xff01;
    }
}

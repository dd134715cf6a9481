package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.IpFamily;
import dev.sluice.routing.IpPrefix;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A socket address as routing messages carry it ({@link SockaddrCodec} reads and writes the bytes).
 * Its {@link #toString()} is what transcripts and snapshots show: {@code 192.0.2.1}, {@code
 * fe80::1%4}, {@code link#7}, {@code utun4}, {@code /24}.
 */
public sealed interface Sockaddr {
    /** {@code AF_UNSPEC}, {@code bsd/sys/socket.h}. */
    int AF_UNSPEC = 0;

    /** {@code AF_INET}, {@code bsd/sys/socket.h}. */
    int AF_INET = 2;

    /** {@code AF_LINK}, {@code bsd/sys/socket.h}. */
    int AF_LINK = 18;

    /** {@code AF_INET6}, {@code bsd/sys/socket.h}. */
    int AF_INET6 = 30;

    /**
     * An IPv4 or IPv6 address.
     *
     * @param address the address as a host prefix (/32 or /128)
     * @param scopeId the interface index of a link-local IPv6 address, else 0
     */
    record Inet(IpPrefix address, int scopeId) implements Sockaddr {
        public Inet {
            if (address.length() != (address.isIpv4() ? 32 : 128)) {
                throw new IllegalArgumentException("not a host address: " + address);
            }
        }

        public static Inet of(String text) {
            int percent = text.indexOf('%');
            if (percent < 0) {
                return new Inet(IpPrefix.parseAddress(text), 0);
            }
            return new Inet(
                    IpPrefix.parseAddress(text.substring(0, percent)),
                    Integer.parseInt(text.substring(percent + 1)));
        }

        public IpFamily family() {
            return address.family();
        }

        @Override
        public String toString() {
            return address.addressText() + (scopeId == 0 ? "" : "%" + scopeId);
        }
    }

    /**
     * A link-layer address ({@code struct sockaddr_dl}): an interface by index and, when the kernel
     * gives them, its name and hardware address.
     *
     * @param type the interface type ({@code bsd/net/if_types.h}), 0 when not given
     * @param name the interface name, empty when not given
     * @param address the link-level address (a MAC), empty when not given
     */
    record Link(int index, int type, String name, byte[] address) implements Sockaddr {
        public Link {
            address = address.clone();
        }

        /** An interface by index only, as a route's gateway ({@code route add -interface}). */
        public static Link index(int index) {
            return new Link(index, 0, "", new byte[0]);
        }

        @Override
        public byte[] address() {
            return address.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Link that
                    && index == that.index
                    && type == that.type
                    && name.equals(that.name)
                    && Arrays.equals(address, that.address);
        }

        @Override
        public int hashCode() {
            return (index * 31 + name.hashCode()) * 31 + Arrays.hashCode(address);
        }

        /** As netstat shows it: the name, else {@code link#<index>}; a MAC after a space. */
        @Override
        public String toString() {
            String where = name.isEmpty() ? "link#" + index : name;
            if (address.length == 0) {
                return where;
            }
            StringBuilder mac = new StringBuilder(where).append(' ');
            for (int i = 0; i < address.length; i++) {
                mac.append(i == 0 ? "" : ":").append(HexFormat.of().toHexDigits(address[i]));
            }
            return mac.toString();
        }
    }

    /** A contiguous netmask of {@code family} (the family of the destination it goes with). */
    record Mask(IpFamily family, int length) implements Sockaddr {
        @Override
        public String toString() {
            return "/" + length;
        }
    }

    /** A zero-length sockaddr ({@code sa_len} 0): as a netmask, the /0 of a default route. */
    record Empty() implements Sockaddr {
        @Override
        public String toString() {
            return "(empty)";
        }
    }

    /** Any other address, kept as its bytes ({@code sa_len} of them). */
    record Other(int family, byte[] bytes) implements Sockaddr {
        public Other {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Other that
                    && family == that.family
                    && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return family * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "af" + family + ":" + HexFormat.of().formatHex(bytes);
        }
    }
}

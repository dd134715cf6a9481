package dev.sluice.config;

import dev.sluice.routing.IpPrefix;

/**
 * An {@code Address} of the tunnel interface: a host address with the prefix length of its network
 * (host bits set is normal here, unlike in prefix lists).
 */
public record InterfaceAddress(IpPrefix address, int prefixLength) {
    public boolean isIpv4() {
        return address.isIpv4();
    }

    /** The network the address lies in. */
    public IpPrefix network() {
        return address.isIpv4()
                ? IpPrefix.ipv4Containing(address.ipv4Address(), prefixLength)
                : IpPrefix.ipv6Containing(address.high(), address.low(), prefixLength);
    }

    @Override
    public String toString() {
        return address.addressText() + "/" + prefixLength;
    }
}

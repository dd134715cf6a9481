/**
 * Linux integration: the TUN device ({@code /dev/net/tun}), rtnetlink (links, addresses, routes,
 * rules), nftables through the {@code nft} tool, sysctls under {@code /proc/sys}, the resolver file
 * and systemd-resolved. Every external tool runs through {@link
 * dev.sluice.daemon.platform.ExternalCommand} (output drained while it runs, a deadline that kills
 * it).
 *
 * <p>Native calls go through JNA direct mapping ({@link dev.sluice.daemon.platform.linux.LibC});
 * data-path calls take raw addresses of direct buffers so they allocate nothing. Errors carry the
 * operation and the errno by name ({@link dev.sluice.daemon.platform.linux.Errno}).
 *
 * <p>Thread-safety is per class: a {@link dev.sluice.daemon.platform.linux.TunDevice} may be read
 * by one thread and written by others; a netlink socket is used by one thread at a time.
 */
package dev.sluice.daemon.platform.linux;

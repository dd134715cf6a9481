/**
 * The WireGuard cross-platform userspace API (the protocol wireguard-go and boringtun serve) on
 * {@code /var/run/wireguard/<interface>.sock}, so the stock {@code wg show} and {@code wg set} work
 * against Sluice. Text key=value lines, keys in hex; see "Cross-platform Userspace Implementation"
 * on wireguard.com.
 */
package dev.sluice.daemon.uapi;

/**
 * The UDP transport to peers, on Netty's epoll transport: one IPv4 and one IPv6 socket on the same
 * port (no IPv4-mapped addresses), marked with the configured firewall mark so the daemon's own
 * packets escape the capture, receiving in batches ({@code recvmmsg}).
 *
 * <p>Received datagrams go to a {@link dev.sluice.daemon.dataplane.DatagramReceiver} on the event
 * loop thread (the inbound agent). Sends are thread-safe.
 */
package dev.sluice.daemon.transport;

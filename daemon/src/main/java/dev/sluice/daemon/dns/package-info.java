/**
 * Split DNS: a forwarder inside the daemon and the host's resolver pointed at it.
 *
 * <pre>
 *   app -> resolver file / systemd-resolved -> DnsServer (UDP, TCP on the tunnel address and
 *          127.0.0.153) -> DnsForwarder: name under a corporate domain? -> tunnel resolvers
 *          ([Interface] DNS, through the tunnel) | otherwise -> the machine's original resolvers
 *          (through the bypass path: SO_MARK) -> answer -> LearnedRoutes (TunnelDomains /
 *          BypassDomains addresses, for their TTL) -> reply to the app
 * </pre>
 *
 * <p>Raw messages are forwarded as they are (EDNS, DNSSEC bits and unknown records pass through);
 * only the query ID is replaced with a random one upstream and restored in the reply. Netty's DNS
 * codec reads questions and records. Threads: one event loop ("sluice-dns") for both listening and
 * upstream sockets; learned routes are published before the reply leaves, so an application never
 * connects to an address the forwarding table does not know yet. Malformed input is counted and
 * answered with FORMERR when it has a readable header, dropped otherwise; it never throws out of a
 * handler. This is the control path: it allocates freely.
 */
package dev.sluice.daemon.dns;

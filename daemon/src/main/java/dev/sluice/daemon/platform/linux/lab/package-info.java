/**
 * The lab: the network-namespace topology of DESIGN.md, built with iproute2 and torn down again
 * (processes stopped by PID, namespaces deleted), for {@code sluice lab}, the namespace tests and
 * the benchmark script.
 *
 * <pre>
 *  client ns -- sluice, tun 10.66.0.2/32, fd66::2/128
 *     | 198.18.0.2/24 fd18:0::2/64  --  198.18.0.1 fd18:0::1
 *  router ns -- 198.18.1.1 fd18:1::1 -- 198.18.1.2 fd18:1::2  server ns: the WireGuard peer
 *     |                                   10.60.32.1 fd11:1d80:c67a::1 -- corp ns: 10.60.32.10,
 *     |                                                                  fd11:1d80:c67a::10
 *     `- 198.18.2.1 fd18:2::1 -- 198.18.2.2 fd18:2::2  internet ns: 198.19.0.10, fd19::10
 * </pre>
 *
 * <p>Only addresses inside these namespaces are used. Control path; one thread.
 */
package dev.sluice.daemon.platform.linux.lab;

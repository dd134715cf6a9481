/**
 * The packet pipeline of DESIGN.md ("Data flow"), independent of the operating system:
 *
 * <pre>
 *   outbound  PacketDevice.read -> PacketDecoder -> forwarding table -> TUNNEL: encapsulate,
 *             DatagramTransport.send | BYPASS: PacketDevice.write (reinject) | DROP: count, ICMP
 *   inbound   datagram -> transport data: decapsulate -> AllowedIPs check -> PacketDevice.write
 *                      -> handshakes and cookies: queued to the control loop
 *   control   handshakes, timers, staged packets, endpoint changes
 * </pre>
 *
 * <p>Threads: one outbound agent, the transport's receive thread for inbound data, one control
 * thread. The data threads never block on the control thread and allocate nothing per packet in
 * steady state (buffers come from a {@link dev.sluice.packet.pool.BufferPool}); each pipeline class
 * says at its top who owns which buffer, also when a stage throws. No thread dies of an exception:
 * {@link dev.sluice.daemon.dataplane.PathFailures} counts and logs it, and reports a path that
 * keeps failing through {@link dev.sluice.daemon.dataplane.DataPlane#failure()}.
 */
package dev.sluice.daemon.dataplane;

/**
 * What the daemon's local stream sockets (the control socket, the WireGuard API socket) share to
 * stay bounded against a local client that misbehaves: an {@link
 * dev.sluice.daemon.localsocket.AcceptLoop} with a cap on connections and a back-off when accept
 * fails (EMFILE), a {@link dev.sluice.daemon.localsocket.Deadline} that closes a connection whose
 * request or reply takes too long, and a {@link dev.sluice.daemon.localsocket.LineReader} that
 * never buffers more than its limit. Each client is served on its own virtual thread with blocking
 * I/O; limits are in {@link dev.sluice.daemon.localsocket.LocalSocketLimits}. Control path: it
 * allocates freely.
 */
package dev.sluice.daemon.localsocket;

/**
 * The kill switch ({@code [Interface] KillSwitch}): a firewall table of its own (on Linux the
 * nftables table {@code inet sluice_killswitch}; on macOS a pf anchor, which the platform's {@link
 * dev.sluice.daemon.killswitch.Firewall} names and writes) that lets traffic leave the host only
 * through the tunnel, the daemon's own sockets and a short allowed list. {@link
 * dev.sluice.daemon.killswitch.KillSwitchRules} says what the table holds; {@link
 * dev.sluice.daemon.killswitch.KillSwitch} puts it in place and takes it away, recording it in the
 * state directory before each change so that recovery and the next daemon find it.
 *
 * <p>Unlike the connection's routes, the block outlives the process on purpose: a daemon that is
 * killed leaves it in place, and {@code sluice recover} keeps it unless asked to unblock.
 *
 * <p>Control path; {@link dev.sluice.daemon.killswitch.KillSwitch} serializes its changes.
 */
package dev.sluice.daemon.killswitch;

/**
 * {@code sluice bugreport}: one {@code .tar.gz} per broken machine for support. {@link
 * dev.sluice.daemon.bugreport.BugReport} gathers the version, the effective configuration and its
 * managed sources ({@link dev.sluice.daemon.bugreport.RedactedConfig}), the daemon's status and
 * metrics, the state directory, the live rules, routes, nftables and resolver setup and the unit's
 * journal (read through {@link dev.sluice.daemon.bugreport.HostView}, implemented in {@code
 * platform.linux}), and the known problems found ({@link
 * dev.sluice.daemon.bugreport.KnownProblems}, {@code checks.txt}).
 *
 * <p>No private or preshared key ever reaches the archive: the configuration shows them redacted (a
 * private key as its public half), and every entry is scrubbed of every known secret in every
 * encoding before it is written ({@link dev.sluice.daemon.bugreport.Secrets}). Control-path code:
 * it allocates freely and runs once per command.
 */
package dev.sluice.daemon.bugreport;

/**
 * Everything that talks to the operating system: native calls (JNA), processes, {@code /proc}. Only
 * code in this package tree may do so (checked by ArchUnit); the rest of the daemon sees Java
 * interfaces: {@link dev.sluice.daemon.platform.Platform}, picked once per process by {@link
 * dev.sluice.daemon.platform.Platforms}. {@code linux} is the reference platform; {@code darwin} is
 * built and unit-tested here, not yet run on a Mac (docs/macos.md).
 */
package dev.sluice.daemon.platform;

/**
 * Everything that talks to the operating system: native calls (JNA), processes, {@code /proc}. Only
 * code in this package tree may do so (checked by ArchUnit); the rest of the daemon sees Java
 * interfaces. {@code linux} is the reference platform; {@code darwin} is planned.
 */
package dev.sluice.daemon.platform;

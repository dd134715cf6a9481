/**
 * Managed (MDM) configuration: overlays that override the user's file key by key — the {@code
 * *.conf} files of {@code /etc/sluice/managed.d} on Linux, and the managed preferences of domain
 * {@code dev.sluice} (a binary or XML property list, read with dd-plist) on macOS.
 *
 * <p>Overlays are read into the same positioned documents as the user file, so problems in them
 * name their own file and line. Stateless; control path only.
 */
package dev.sluice.config.managed;

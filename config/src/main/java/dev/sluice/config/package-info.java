/**
 * Sluice's configuration: the wg-quick superset of SPEC.md parsed once, at the edge, into immutable
 * records ({@link dev.sluice.config.SluiceConfig} and its parts), with every problem reported as
 * {@code file:line: message} ({@link dev.sluice.config.Problem}).
 *
 * <p>Entry point: {@link dev.sluice.config.ConfigLoader}. Sub-packages: {@code ini} (the line
 * format, with positions), {@code managed} (MDM overlays: {@code managed.d} files and macOS managed
 * preferences).
 *
 * <p>Records are immutable and thread-safe; loading does file I/O and is for control paths only.
 */
package dev.sluice.config;

/**
 * Logging to stderr, one line per event (journald and launchd add their own timestamps and
 * metadata, people read it directly): {@code LEVEL component: message}. No per-packet logging;
 * secrets never reach a message (keys print redacted).
 */
package dev.sluice.daemon.logging;

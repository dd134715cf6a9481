/**
 * The line format of Sluice (and wg-quick) configuration files: {@code [Section]} headers and
 * {@code Key = Value} lines, {@code #} and {@code ;} comments, with the file and line of every
 * entry kept for messages. Knows nothing of what keys mean.
 *
 * <p>Documents are mutable while overlays are merged, then read only; not thread-safe.
 */
package dev.sluice.config.ini;

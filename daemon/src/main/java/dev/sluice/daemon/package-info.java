/**
 * The composition root: wires the leaf modules (packet, routing, crypto, config) to the operating
 * system and to the people and programs that run Sluice.
 *
 * <p>Sub-packages: {@code cli} (the {@code sluice} command tree), and, as they arrive, the data
 * plane, control plane, DNS and metrics. All operating-system code (JNA, processes, {@code /proc})
 * lives under {@code platform.linux} and {@code platform.darwin}.
 */
package dev.sluice.daemon;

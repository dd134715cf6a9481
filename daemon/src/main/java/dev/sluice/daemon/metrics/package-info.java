/**
 * Sluice's metrics in a Micrometer Prometheus registry, read at scrape time from the live
 * connection (no per-packet work: the data plane keeps its own lock-free counters). Names start
 * with {@code sluice_}; served by {@code sluice metrics} and, when {@code MetricsPort} is set, on a
 * loopback HTTP port.
 */
package dev.sluice.daemon.metrics;

/**
 * Minimal equivalent prefix sets: {@link dev.sluice.routing.aggregate.PrefixAggregator} turns a
 * table of prefix-to-verdict entries into the smallest set of prefixes with exactly the same
 * longest-prefix-match function (used for the kernel routing strategy, where every prefix is a
 * route in the OS table).
 *
 * <p>Control path only: allocates freely; stateless and thread-safe.
 */
package dev.sluice.routing.aggregate;

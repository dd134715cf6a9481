/**
 * Routing value types shared by the routing sub-packages and by the configuration: {@link
 * dev.sluice.routing.IpPrefix} (an IPv4 or IPv6 prefix held as primitives) and its text form.
 *
 * <p>Sub-packages: {@code trie} (the compressed longest-prefix-match table), {@code aggregate}
 * (minimal equivalent prefix sets), {@code policy} (turning a split configuration into per-address
 * verdicts).
 *
 * <p>Everything here is immutable and thread-safe. Parsing never resolves names: only address
 * literals are accepted.
 */
package dev.sluice.routing;

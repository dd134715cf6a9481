/**
 * Split policy: from the configuration's lists and peers to the per-address decision tunnel, bypass
 * or drop. {@link dev.sluice.routing.policy.PolicyCompiler} documents the precedence rules; {@link
 * dev.sluice.routing.policy.RouteValue} encodes a decision in the small int a trie stores.
 *
 * <p>Compilation is control-path work (allocates, O(n log n)); the {@link
 * dev.sluice.routing.policy.CompiledPolicy} it produces is immutable, and its forwarding table is
 * what the data path reads (allocation-free lookups).
 */
package dev.sluice.routing.policy;

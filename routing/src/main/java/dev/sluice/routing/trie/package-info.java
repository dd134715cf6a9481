/**
 * The longest-prefix-match table of the data path: {@link dev.sluice.routing.trie.PrefixTable}, a
 * persistent (immutable, structure-sharing) compressed multibit trie in the style of BART / ART,
 * for IPv4 and IPv6, and {@link dev.sluice.routing.trie.CompiledPrefixTable}, its read-optimized
 * image for the data path (leaf-pushed, run-length-compressed 6-bit nodes in the style of Poptrie).
 *
 * <p>Thread-safety: tables are immutable; a writer derives a new table and publishes it (one
 * volatile write), readers keep using the snapshot they hold, without locks.
 *
 * <p>Allocation: lookups allocate nothing. Updates allocate the copied path only; the bulk {@link
 * dev.sluice.routing.trie.PrefixTable.Builder} allocates the final structure plus one sort.
 */
package dev.sluice.routing.trie;

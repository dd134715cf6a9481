package dev.sluice.routing.trie;

/**
 * How many address bits the direct-pointing top level of a compiled image resolves: as many as
 * possible (fewer node levels, fewer mispredicted branches per lookup) while the top array, four
 * bytes per slot, stays within 32 bytes per prefix (so that, with the nodes, a table stays within
 * 100): 12 bits (16 KiB) for small tables, 16 bits (256 KiB) from {@link #MEDIUM_FROM} entries, 18
 * bits (1 MiB) from {@link #WIDE_FROM}.
 */
final class TopLevelWidth {
    /** Tables at least this large get a 16-bit top level. */
    static final int MEDIUM_FROM = 8_192;

    /** Tables at least this large get an 18-bit top level. */
    static final int WIDE_FROM = 32_768;

    private TopLevelWidth() {}

    /** Top-level bits for a family's table of {@code entries} prefixes. */
    static int bitsFor(int entries) {
        if (entries >= WIDE_FROM) {
            return 18;
        }
        return entries >= MEDIUM_FROM ? 16 : 12;
    }
}

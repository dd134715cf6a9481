package dev.sluice.routing.journal;

/**
 * One way the live state differs from the snapshot.
 *
 * @param section where ({@code routes ipv4}, {@code nftables}, …)
 * @param item the item as text
 * @param missing true when the snapshot has it and the live state does not; false when it is new
 * @param ours true when it is an entry Sluice makes (left behind: a bug); false when another
 *     program changed the system while Sluice ran (reported, left alone)
 */
public record Difference(String section, String item, boolean missing, boolean ours) {
    @Override
    public String toString() {
        return (ours ? "ours" : "someone else's")
                + ": "
                + (missing ? "missing from " : "added to ")
                + section
                + ": "
                + item.replace("\n", " ").replaceAll("\\s+", " ").strip();
    }
}

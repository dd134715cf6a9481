/**
 * Crash safety for the route manager (DESIGN.md, "Crash safety"): the {@link
 * dev.sluice.routing.journal.Journal} records the inverse of every change before it is made,
 * fsync'd, so that whatever happens to the process, {@code sluice recover} can put the system back;
 * the {@link dev.sluice.routing.journal.OperationCodec} writes operations as one line of text each.
 *
 * <p>A journal file is a header line then records, each {@code <crc32 hex> <operation>\n}. The last
 * record may be torn (a crash or a full disk mid-write): it is detected by its missing newline or
 * checksum and ignored, which is safe because its change was never applied (changes follow their
 * record's fsync). Control path only; one thread.
 */
package dev.sluice.routing.journal;

/**
 * Zero-copy views of IP packets held in direct {@link java.nio.ByteBuffer}s: flyweights for IPv4,
 * IPv6 (with its extension-header chain), UDP, TCP, ICMPv4 and ICMPv6; the {@link
 * dev.sluice.packet.PacketDecoder}; Internet checksums; ICMP error construction and TCP MSS
 * clamping.
 *
 * <p>Allocation: nothing here allocates after construction. Flyweights are re-pointed with {@code
 * wrap(buffer, offset)} and use absolute, big-endian (network order) access, never the buffer's
 * position or limit. Bad input never throws from the decoder: it returns a {@link
 * dev.sluice.packet.DecodeResult}.
 *
 * <p>Thread-safety: flyweights and {@link dev.sluice.packet.ParsedPacket} are mutable and owned by
 * one thread at a time; the static functions are stateless and safe from any thread.
 */
package dev.sluice.packet;

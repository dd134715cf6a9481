/**
 * The packet work behind a tun with offloads on ({@code IFF_VNET_HDR}, {@code TUNSETOFFLOAD}): the
 * {@link dev.sluice.packet.offload.VirtioNetHeader} that precedes every packet, cutting TSO/USO
 * super-packets read from the tun into MTU-sized segments ({@link
 * dev.sluice.packet.offload.GsoSegmenter}, "tunnel out"), completing partial checksums ({@link
 * dev.sluice.packet.offload.PartialChecksum}), and coalescing decrypted segments into super-packets
 * for the tun write ({@link dev.sluice.packet.offload.GroCoalescer}, "tunnel in").
 *
 * <p>Allocation: nothing here allocates after construction; bad input is reported by a result
 * ({@link dev.sluice.packet.offload.SegmentationResult}, -1, or "written as it came"), never by an
 * exception. Buffers are read and written with absolute, big-endian access (the virtio header's
 * little-endian fields byte by byte), never through their position or limit except as a bound.
 *
 * <p>Thread-safety: the segmenter, coalescer and flyweight are mutable and owned by one thread at a
 * time; {@link dev.sluice.packet.offload.PartialChecksum} is stateless.
 */
package dev.sluice.packet.offload;

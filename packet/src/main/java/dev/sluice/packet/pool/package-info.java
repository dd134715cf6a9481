/**
 * A bounded pool of preallocated direct buffers for packets in flight.
 *
 * <p>Ownership: a {@link dev.sluice.packet.pool.PacketBuffer} has exactly one owner from {@link
 * dev.sluice.packet.pool.BufferPool#tryAcquire()} until it is released; handing it to another
 * thread (through a queue) transfers ownership, and the receiver becomes responsible for releasing
 * it. Releasing twice is a programming error and throws.
 *
 * <p>Backpressure: the pool never grows. When it is empty, {@code tryAcquire} returns null and the
 * caller stops reading input until buffers come back; {@code acquire} waits up to a deadline.
 *
 * <p>Thread-safety: acquire and release are lock-free and safe from any number of threads;
 * allocation-free after construction.
 */
package dev.sluice.packet.pool;

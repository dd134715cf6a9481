/**
 * Transport sessions: {@link dev.sluice.crypto.session.Keypair} (keys, indices, send counter,
 * replay window), the {@link dev.sluice.crypto.session.ReplayWindow} and the {@link
 * dev.sluice.crypto.session.IndexTable} that routes incoming messages by receiver index.
 *
 * <p>Thread-safety: keypairs are read by the data path without locks; a keypair's send counter is
 * atomic; its replay window belongs to the one thread that decapsulates. The index table is
 * copy-on-write: lookups are lock-free and allocation-free, changes (one per handshake) copy.
 */
package dev.sluice.crypto.session;

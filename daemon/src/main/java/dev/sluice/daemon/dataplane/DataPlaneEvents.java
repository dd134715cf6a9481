package dev.sluice.daemon.dataplane;

/** What the data plane tells its owner, from its own threads (keep the handlers short). */
public interface DataPlaneEvents {
    /** A path failed for good ({@link DataPlane#failure()} says why); called once. */
    void failed(String reason);

    /**
     * The wall clock moved {@code jumpMs} further than the monotonic clock since the control thread
     * last woke: the machine slept, or the clock was set. Sessions are stale: re-handshake.
     */
    void clockJumped(long jumpMs);

    /** Ignores everything (tests). */
    DataPlaneEvents NONE =
            new DataPlaneEvents() {
                @Override
                public void failed(String reason) {}

                @Override
                public void clockJumped(long jumpMs) {}
            };
}

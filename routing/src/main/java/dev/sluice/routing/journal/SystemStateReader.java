package dev.sluice.routing.journal;

import java.io.IOException;
import java.util.Collection;

/** Reads the live state of the parts Sluice may touch (the platform implements it). */
public interface SystemStateReader {
    /**
     * The live state, in the same form as a snapshot.
     *
     * @param sysctlKeys the sysctls to include (those that do not exist are left out)
     */
    SystemSnapshot capture(Collection<String> sysctlKeys) throws IOException;
}

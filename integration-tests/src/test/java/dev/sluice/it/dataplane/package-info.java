/**
 * Sluice carrying real traffic in the lab topology of DESIGN.md: split decisions seen from the far
 * side, what the router's capture shows, fast failure for dropped destinations, and the system
 * state restored exactly after {@code sluice up} exits.
 */
package dev.sluice.it.dataplane;

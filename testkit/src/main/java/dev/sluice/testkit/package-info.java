/**
 * Test support shared by the modules' test suites (a test-scoped dependency only; nothing in
 * production code depends on it).
 *
 * <ul>
 *   <li>{@link dev.sluice.testkit.AllocationMeter}: bytes allocated by the current thread, for the
 *       "0 bytes per operation" contracts of the data path.
 *   <li>{@link dev.sluice.testkit.Privileged}: gates tests that need root, network namespaces, TUN,
 *       Docker or external tools; they skip on a developer machine without them, and fail instead
 *       when {@code CI=true}, so CI can never pass by skipping.
 * </ul>
 */
package dev.sluice.testkit;

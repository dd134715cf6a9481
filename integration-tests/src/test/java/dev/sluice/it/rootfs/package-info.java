/**
 * Debian root file systems for tests that need a whole system: one debootstrap root per recipe,
 * built once per machine and cached under {@code /var/lib/sluice-test-roots} ({@link
 * dev.sluice.it.rootfs.DebianRoot}), and throwaway writable overlays over it ({@link
 * dev.sluice.it.rootfs.RootOverlay}), so that no test writes into the cache.
 */
package dev.sluice.it.rootfs;

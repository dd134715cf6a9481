/**
 * What operators deploy: the .deb installed into a throwaway Debian root and purged again, the
 * systemd unit through {@code systemd-analyze verify}, the launchd plist and the MDM profile
 * through {@code plistutil} and Sluice's own managed-preferences reader.
 */
package dev.sluice.it.packaging;

/**
 * Sluice's package under a real systemd: {@link dev.sluice.it.systemd.SystemdContainer} boots a
 * Debian 12 system with systemd as PID 1 in a lab namespace, and the tests install the .deb there
 * and drive it as an operator would (systemctl, journalctl, apt-get).
 */
package dev.sluice.it.systemd;

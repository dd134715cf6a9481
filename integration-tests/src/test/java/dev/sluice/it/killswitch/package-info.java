/**
 * The kill switch in the namespace lab against wireguard-go: a daemon killed during a transfer, a
 * block from boot without a daemon, the LAN printer case, and a kill at every journaled step of
 * connect; the router's capture is the judge of what left the client.
 */
package dev.sluice.it.killswitch;

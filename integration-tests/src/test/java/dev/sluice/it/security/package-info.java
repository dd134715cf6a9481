/**
 * The trust boundary tried as an attacker would: a hostile VPN server pushing packets past the
 * client, a LAN neighbour using the client's DNS forwarder, an untrusted resolver steering traffic
 * out of the tunnel. Each test reproduces the attack in the namespace lab and asserts it fails.
 */
package dev.sluice.it.security;

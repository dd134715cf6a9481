/**
 * Split DNS in the lab topology: a corporate resolver behind the peer and an internet resolver
 * (dnsmasq), the client namespace's own {@code /etc/netns/<ns>/resolv.conf} (never the host's),
 * Sluice's forwarder between them; what each resolver logs and what the router and the corp link
 * carry; domain-learned routes over time; restore after disconnect and after {@code kill -9}.
 */
package dev.sluice.it.dns;

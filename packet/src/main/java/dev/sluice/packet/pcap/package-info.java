/**
 * Reading and writing classic pcap files (the libpcap format, not pcapng) of raw IP packets ({@code
 * LINKTYPE_RAW}): fixtures for replay tests and debug captures.
 *
 * <p>Not on the data path. A writer reuses one copy buffer and allocates nothing per packet; the
 * reader returns one {@link dev.sluice.packet.pcap.PcapRecord} per packet. Neither is thread-safe.
 */
package dev.sluice.packet.pcap;

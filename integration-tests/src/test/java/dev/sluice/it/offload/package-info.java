/**
 * The offload packet work against a real Linux tun opened with {@code IFF_VNET_HDR} and {@code
 * TUNSETOFFLOAD}: what the coalescer writes, the kernel accepts, delivers and re-segments.
 */
package dev.sluice.it.offload;

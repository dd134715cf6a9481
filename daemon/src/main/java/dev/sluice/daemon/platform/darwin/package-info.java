/**
 * macOS integration: the utun (a {@code PF_SYSTEM} kernel-control socket), the {@code PF_ROUTE}
 * routing socket and its table dump, resolver files under {@code /etc/resolver} and a DNS entry in
 * the SystemConfiguration dynamic store.
 *
 * <p>Everything macOS reads or writes is encoded and decoded in pure Java ({@link
 * dev.sluice.daemon.platform.darwin.SockaddrCodec}, {@link
 * dev.sluice.daemon.platform.darwin.RoutingMessageCodec}, {@link
 * dev.sluice.daemon.platform.darwin.KernelControl}, {@link
 * dev.sluice.daemon.platform.darwin.InterfaceRequests}), checked by golden bytes written from the
 * XNU headers; the classes that call into libc through JNA are thin, package-private, and the only
 * ones that cannot run elsewhere. No code outside this package touches them (checked by ArchUnit).
 *
 * <p>Control path only, except the utun's read and write, which allocate nothing. Thread-safety is
 * per class.
 */
package dev.sluice.daemon.platform.darwin;

package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.manager.RouteException;
import java.nio.file.Path;
import java.util.List;

/**
 * The resolver configuration operations of the macOS backend: {@code /etc/resolver/<domain>} files
 * ({@link ResolverFiles}) and a DNS entry of Sluice's own in the SystemConfiguration dynamic store
 * ({@link DynamicStoreDns}).
 */
public interface HostDns extends AutoCloseable {
    /**
     * Replaces a resolver file's contents when it holds {@code expected}; empty content means no
     * file (an absent file reads as empty).
     */
    void replaceFile(Path path, byte[] content, byte[] expected) throws RouteException;

    /**
     * Sets Sluice's DNS entry {@code service}: its servers and the domains they answer for ({@code
     * ""} among them: every name).
     */
    void setService(String service, List<String> servers, List<String> domains)
            throws RouteException;

    /** Removes Sluice's DNS entry {@code service}; gone already counts as done. */
    void removeService(String service) throws RouteException;

    @Override
    void close();
}

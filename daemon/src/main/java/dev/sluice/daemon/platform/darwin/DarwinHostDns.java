package dev.sluice.daemon.platform.darwin;

import dev.sluice.routing.manager.RouteException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@link HostDns} on a Mac: {@link ResolverFiles} and {@link DynamicStoreDns}. */
public final class DarwinHostDns implements HostDns {
    private final DynamicStoreDns store;

    public DarwinHostDns(DynamicStoreDns store) {
        this.store = store;
    }

    @Override
    public void replaceFile(Path path, byte[] content, byte[] expected) throws RouteException {
        ResolverFiles.replace(path, content, expected);
    }

    @Override
    public void setService(String service, List<String> servers, List<String> domains)
            throws RouteException {
        try {
            store.set(service, servers, domains);
        } catch (IOException | IllegalArgumentException e) {
            throw new RouteException(
                    "cannot set DNS entry " + ScutilScript.key(service) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeService(String service) throws RouteException {
        try {
            store.remove(service);
        } catch (IOException e) {
            throw new RouteException(
                    "cannot remove DNS entry " + ScutilScript.key(service) + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}

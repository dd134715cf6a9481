package dev.sluice.daemon.platform.darwin;

import java.io.IOException;

/** A failed system call on macOS: the operation, what it was applied to, and the errno by name. */
public final class SystemCallException extends IOException {
    private final int errno;

    public SystemCallException(String operation, int errno) {
        super(operation + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

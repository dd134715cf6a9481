package dev.sluice.daemon.platform.linux;

import java.io.IOException;

/** A failed system call: the operation, what it was applied to, and the errno by name. */
public final class NativeException extends IOException {
    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

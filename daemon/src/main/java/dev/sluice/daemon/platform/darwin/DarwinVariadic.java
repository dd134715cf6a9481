package dev.sluice.daemon.platform.darwin;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The variadic libc functions Sluice calls on macOS, declared with Java varargs so JNA tells libffi
 * how many arguments are fixed ({@code ffi_prep_cif_var}): on Apple Silicon the variadic ones go on
 * the stack, and a fixed-arity declaration would put them in registers where the callee never
 * looks. The request of {@code ioctl} is an {@code unsigned long}.
 */
interface DarwinVariadic extends Library {
    DarwinVariadic C = Native.load("c", DarwinVariadic.class);

    int ioctl(int fd, NativeLong request, Object... argument);

    int fcntl(int fd, int command, Object... argument);
}

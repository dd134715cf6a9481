package dev.sluice.crypto.primitives;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The ChaCha20 block function (RFC 8439 section 2.3), producing keystream blocks.
 *
 * <p>The JDK's SunJCE provider carries an intrinsified multi-block implementation (AVX2 here: four
 * blocks per call, about 1.7 GB/s) behind its {@code Cipher}, whose per-message {@code init}
 * allocates. When the JVM grants access ({@code --add-opens
 * java.base/com.sun.crypto.provider=ALL-UNNAMED}, which the launcher passes), this class calls the
 * intrinsic directly; a startup self-test against {@link #scalarBlock} guards the result. Without
 * access it uses {@link #scalarBlock} (one block per call, about 350 MB/s). Both allocate nothing.
 *
 * <p>State layout (16 words): constants, 8 key words, block counter, 3 nonce words.
 */
public final class ChaCha20 {
    /** Most keystream bytes one call of {@link #keystream} writes. */
    public static final int MAX_KEYSTREAM_BYTES = 1024;

    static final int C0 = 0x61707865;
    static final int C1 = 0x3320646e;
    static final int C2 = 0x79622d32;
    static final int C3 = 0x6b206574;

    private static final MethodHandle INTRINSIC = findIntrinsic();

    private ChaCha20() {}

    /** True when the JDK's intrinsic is in use (logged at start-up). */
    public static boolean usesJdkIntrinsic() {
        return INTRINSIC != null;
    }

    /** Sets the constants, key words and nonce words of {@code state}; the counter to 0. */
    public static void initState(int[] state, int[] keyWords, int nonce0, int nonce1, int nonce2) {
        state[0] = C0;
        state[1] = C1;
        state[2] = C2;
        state[3] = C3;
        System.arraycopy(keyWords, 0, state, 4, 8);
        state[12] = 0;
        state[13] = nonce0;
        state[14] = nonce1;
        state[15] = nonce2;
    }

    /**
     * Writes keystream blocks for counters {@code state[12]}, {@code state[12] + 1}, ... into
     * {@code out} (at least {@link #MAX_KEYSTREAM_BYTES} long) and returns the bytes written, a
     * multiple of 64. Does not advance the counter.
     */
    public static int keystream(int[] state, byte[] out) {
        if (INTRINSIC != null) {
            try {
                return (int) INTRINSIC.invokeExact(state, out);
            } catch (Throwable impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return scalarBlock(state, out);
    }

    /** Key words (little-endian) of a 32-byte key. */
    public static int[] keyWords(byte[] key) {
        ByteBuffer view = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = view.getInt(i * 4);
        }
        return words;
    }

    /** One block, in plain Java: 20 rounds (10 double rounds), then the state added back. */
    static int scalarBlock(int[] state, byte[] out) {
        int x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3];
        int x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
        int x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11];
        int x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];
        for (int round = 0; round < 10; round++) {
            // Column round.
            x0 += x4;
            x12 = Integer.rotateLeft(x12 ^ x0, 16);
            x8 += x12;
            x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4;
            x12 = Integer.rotateLeft(x12 ^ x0, 8);
            x8 += x12;
            x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5;
            x13 = Integer.rotateLeft(x13 ^ x1, 16);
            x9 += x13;
            x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5;
            x13 = Integer.rotateLeft(x13 ^ x1, 8);
            x9 += x13;
            x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6;
            x14 = Integer.rotateLeft(x14 ^ x2, 16);
            x10 += x14;
            x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6;
            x14 = Integer.rotateLeft(x14 ^ x2, 8);
            x10 += x14;
            x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7;
            x15 = Integer.rotateLeft(x15 ^ x3, 16);
            x11 += x15;
            x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7;
            x15 = Integer.rotateLeft(x15 ^ x3, 8);
            x11 += x15;
            x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // Diagonal round.
            x0 += x5;
            x15 = Integer.rotateLeft(x15 ^ x0, 16);
            x10 += x15;
            x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5;
            x15 = Integer.rotateLeft(x15 ^ x0, 8);
            x10 += x15;
            x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6;
            x12 = Integer.rotateLeft(x12 ^ x1, 16);
            x11 += x12;
            x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6;
            x12 = Integer.rotateLeft(x12 ^ x1, 8);
            x11 += x12;
            x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7;
            x13 = Integer.rotateLeft(x13 ^ x2, 16);
            x8 += x13;
            x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7;
            x13 = Integer.rotateLeft(x13 ^ x2, 8);
            x8 += x13;
            x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4;
            x14 = Integer.rotateLeft(x14 ^ x3, 16);
            x9 += x14;
            x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4;
            x14 = Integer.rotateLeft(x14 ^ x3, 8);
            x9 += x14;
            x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        putLe(out, 0, x0 + state[0]);
        putLe(out, 4, x1 + state[1]);
        putLe(out, 8, x2 + state[2]);
        putLe(out, 12, x3 + state[3]);
        putLe(out, 16, x4 + state[4]);
        putLe(out, 20, x5 + state[5]);
        putLe(out, 24, x6 + state[6]);
        putLe(out, 28, x7 + state[7]);
        putLe(out, 32, x8 + state[8]);
        putLe(out, 36, x9 + state[9]);
        putLe(out, 40, x10 + state[10]);
        putLe(out, 44, x11 + state[11]);
        putLe(out, 48, x12 + state[12]);
        putLe(out, 52, x13 + state[13]);
        putLe(out, 56, x14 + state[14]);
        putLe(out, 60, x15 + state[15]);
        return 64;
    }

    private static void putLe(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) (value >>> 16);
        out[at + 3] = (byte) (value >>> 24);
    }

    /**
     * HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): the 20 rounds over key and 16-byte nonce
     * without the final addition; words 0-3 and 12-15 form a 32-byte subkey.
     */
    public static byte[] hchacha20(byte[] key, byte[] nonce16) {
        int[] state = new int[16];
        int[] keyWords = keyWords(key);
        ByteBuffer n = ByteBuffer.wrap(nonce16).order(ByteOrder.LITTLE_ENDIAN);
        initState(state, keyWords, n.getInt(4), n.getInt(8), n.getInt(12));
        state[12] = n.getInt(0);
        byte[] block = new byte[64];
        scalarBlock(state, block);
        // Undo the final addition: subtract the input state.
        ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        int[] words = {0, 1, 2, 3, 12, 13, 14, 15};
        for (int i = 0; i < 8; i++) {
            out.putInt(i * 4, b.getInt(words[i] * 4) - state[words[i]]);
        }
        return out.array();
    }

    private static MethodHandle findIntrinsic() {
        try {
            Class<?> cipher = Class.forName("com.sun.crypto.provider.ChaCha20Cipher");
            MethodHandle handle =
                    MethodHandles.privateLookupIn(cipher, MethodHandles.lookup())
                            .findStatic(
                                    cipher,
                                    "implChaCha20Block",
                                    MethodType.methodType(int.class, int[].class, byte[].class));
            return selfTest(handle) ? handle : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The intrinsic must agree with the scalar block function on every block it returns. */
    private static boolean selfTest(MethodHandle handle) {
        try {
            int[] state = new int[16];
            initState(state, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 9, 10, 11);
            state[12] = 7;
            byte[] fast = new byte[MAX_KEYSTREAM_BYTES];
            int produced = (int) handle.invokeExact(state, fast);
            if (produced < 64 || produced % 64 != 0 || produced > MAX_KEYSTREAM_BYTES) {
                return false;
            }
            byte[] slow = new byte[64];
            for (int block = 0; block < produced / 64; block++) {
                state[12] = 7 + block;
                scalarBlock(state, slow);
                if (!Arrays.equals(slow, 0, 64, fast, block * 64, block * 64 + 64)) {
                    return false;
                }
            }
            return true;
        } catch (Throwable e) {
            return false;
        }
    }
}

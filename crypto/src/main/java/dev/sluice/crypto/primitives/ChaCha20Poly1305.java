package dev.sluice.crypto.primitives;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The ChaCha20-Poly1305 AEAD of RFC 8439 section 2.8 with WireGuard's 96-bit nonce (32 zero bits
 * and a 64-bit little-endian counter), over {@link ByteBuffer}s of any byte order, heap or direct.
 *
 * <p>Seal: keystream block 0 gives the Poly1305 key, blocks 1.. encrypt; the tag covers {@code aad
 * || pad16 || ciphertext || pad16 || len(aad) || len(ciphertext)}. Open authenticates before it
 * decrypts, and compares tags in constant time; a forged message leaves the output unwritten.
 *
 * <p>Allocation-free after construction; not thread-safe (one instance per thread). In place
 * ({@code in == out}, same offset) is allowed.
 */
public final class ChaCha20Poly1305 {
    public static final int TAG_LENGTH = Poly1305.TAG_LENGTH;

    private final int[] state = new int[16];
    private final byte[] keystream = new byte[ChaCha20.MAX_KEYSTREAM_BYTES];

    /** Big-endian view of the keystream (a byte-array VarHandle view measured 5x slower). */
    private final ByteBuffer keystreamView = ByteBuffer.wrap(keystream);

    private final Poly1305 poly = new Poly1305();
    private final ByteBuffer noAad = ByteBuffer.allocate(0);

    /**
     * Encrypts {@code in[inOffset, +length)} into {@code out[outOffset, +length)} and writes the
     * 16-byte tag after it; {@code aad} (may be null) is authenticated, not encrypted.
     *
     * @param keyWords the key as 8 little-endian words ({@link ChaCha20#keyWords})
     * @return bytes written: {@code length + 16}
     */
    public int seal(
            int[] keyWords,
            long counter,
            ByteBuffer aad,
            ByteBuffer in,
            int inOffset,
            int length,
            ByteBuffer out,
            int outOffset) {
        return seal(keyWords, 0, counter, aad, in, inOffset, length, out, outOffset);
    }

    /**
     * Encrypts a plaintext given in two parts followed by {@code zeros} zero bytes — {@code
     * head[headOffset, +headLength) || body[bodyOffset, +bodyLength) || 0^zeros} — into {@code
     * out[outOffset, ...)} and writes the tag after it. Neither input is written to: a segment's
     * fresh headers can come from a scratch buffer and its payload straight from the super-packet,
     * and WireGuard's padding is made here, so the cipher writes each byte once and nothing is
     * copied before. {@code out} must not overlap the inputs unless at the same offsets.
     *
     * @return bytes written: {@code headLength + bodyLength + zeros + 16}
     */
    public int sealParts(
            int[] keyWords,
            long counter,
            ByteBuffer head,
            int headOffset,
            int headLength,
            ByteBuffer body,
            int bodyOffset,
            int bodyLength,
            int zeros,
            ByteBuffer out,
            int outOffset) {
        startMac(keyWords, 0, counter, null);
        crypt(head, headOffset, headLength, out, outOffset);
        crypt(body, bodyOffset, bodyLength, out, outOffset + headLength);
        int length = headLength + bodyLength + zeros;
        cryptZeros(zeros, out, outOffset + headLength + bodyLength);
        poly.updatePadded(out, outOffset, length);
        poly.updateWords(0, length);
        poly.finish(out, outOffset + length);
        forgetKey();
        return length + TAG_LENGTH;
    }

    /** {@link #seal} with a general RFC 8439 nonce: word 0, then 64 bits little-endian. */
    int seal(
            int[] keyWords,
            int nonce0,
            long nonce12,
            ByteBuffer aad,
            ByteBuffer in,
            int inOffset,
            int length,
            ByteBuffer out,
            int outOffset) {
        startMac(keyWords, nonce0, nonce12, aad);
        crypt(in, inOffset, length, out, outOffset);
        poly.updatePadded(out, outOffset, length);
        poly.updateWords(aadLength(aad), length);
        poly.finish(out, outOffset + length);
        forgetKey();
        return length + TAG_LENGTH;
    }

    /**
     * Authenticates and decrypts {@code in[inOffset, +length)} (ciphertext then tag) into {@code
     * out[outOffset, +length - 16)}.
     *
     * @return true when the tag matched (and {@code out} holds the plaintext); false for a forged
     *     or damaged message (and {@code out} is untouched) or one shorter than a tag
     */
    public boolean open(
            int[] keyWords,
            long counter,
            ByteBuffer aad,
            ByteBuffer in,
            int inOffset,
            int length,
            ByteBuffer out,
            int outOffset) {
        if (length < TAG_LENGTH) {
            return false;
        }
        int cipherLength = length - TAG_LENGTH;
        startMac(keyWords, 0, counter, aad);
        poly.updatePadded(in, inOffset, cipherLength);
        poly.updateWords(aadLength(aad), cipherLength);
        if (!poly.verify(in, inOffset + cipherLength)) {
            forgetKey();
            return false;
        }
        crypt(in, inOffset, cipherLength, out, outOffset);
        forgetKey();
        return true;
    }

    /** The state keeps no copy of a session key between messages (keys are zeroed on close). */
    private void forgetKey() {
        Arrays.fill(state, 4, 12, 0);
    }

    private static long aadLength(ByteBuffer aad) {
        return aad == null ? 0 : aad.limit();
    }

    /** Keystream block 0 keys Poly1305; the AAD (whole buffer, [0, limit)) is absorbed. */
    private void startMac(int[] keyWords, int nonce0, long counter, ByteBuffer aad) {
        ChaCha20.initState(state, keyWords, nonce0, (int) counter, (int) (counter >>> 32));
        int produced = ChaCha20.keystream(state, keystream);
        state[12] = produced >>> 6;
        poly.init(keystream, 0);
        keystreamOffset = 64;
        keystreamEnd = produced;
        if (aad != null) {
            poly.updatePadded(aad, 0, aad.limit());
        }
    }

    private int keystreamOffset;
    private int keystreamEnd;

    /** XORs the keystream (continuing after block 0) over [in, +length) into out. */
    private void crypt(ByteBuffer in, int inOffset, int length, ByteBuffer out, int outOffset) {
        // Locals only inside the loops: field loads are not hoisted across buffer accesses.
        final boolean inBigEndian = in.order() == ByteOrder.BIG_ENDIAN;
        final boolean outBigEndian = out.order() == ByteOrder.BIG_ENDIAN;
        final ByteBuffer stream = keystreamView;
        final byte[] streamBytes = keystream;
        final int[] chachaState = state;
        int streamAt = keystreamOffset;
        int streamEnd = keystreamEnd;
        int done = 0;
        while (done < length) {
            if (streamAt == streamEnd) {
                int produced = ChaCha20.keystream(chachaState, streamBytes);
                chachaState[12] += produced >>> 6;
                streamAt = 0;
                streamEnd = produced;
            }
            int chunk = Math.min(length - done, streamEnd - streamAt);
            int from = inOffset + done;
            int to = outOffset + done;
            int i = 0;
            // Eight bytes at a time as a big-endian long, whatever the buffers' orders.
            for (; i + 8 <= chunk; i += 8) {
                long data = in.getLong(from + i);
                long result =
                        (inBigEndian ? data : Long.reverseBytes(data))
                                ^ stream.getLong(streamAt + i);
                out.putLong(to + i, outBigEndian ? result : Long.reverseBytes(result));
            }
            for (; i < chunk; i++) {
                out.put(to + i, (byte) (in.get(from + i) ^ streamBytes[streamAt + i]));
            }
            streamAt += chunk;
            done += chunk;
        }
        keystreamOffset = streamAt;
        keystreamEnd = streamEnd;
    }

    /** Writes the next {@code length} keystream bytes (the encryption of zeros) into out. */
    private void cryptZeros(int length, ByteBuffer out, int outOffset) {
        int streamAt = keystreamOffset;
        int streamEnd = keystreamEnd;
        int done = 0;
        while (done < length) {
            if (streamAt == streamEnd) {
                int produced = ChaCha20.keystream(state, keystream);
                state[12] += produced >>> 6;
                streamAt = 0;
                streamEnd = produced;
            }
            int chunk = Math.min(length - done, streamEnd - streamAt);
            for (int i = 0; i < chunk; i++) {
                out.put(outOffset + done + i, keystream[streamAt + i]);
            }
            streamAt += chunk;
            done += chunk;
        }
        keystreamOffset = streamAt;
        keystreamEnd = streamEnd;
    }

    /** An empty AAD buffer (for callers that want a non-null one). */
    public ByteBuffer noAad() {
        return noAad;
    }
}

package dev.sluice.benchmarks;

import dev.sluice.crypto.primitives.ChaCha20;
import dev.sluice.crypto.primitives.ChaCha20Poly1305;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transport AEAD on one core: seal and open of a 1420-byte packet (a full-MTU WireGuard payload) in
 * direct buffers, as the data path does. Throughput in MB/s = 1420 / (score in us) . Target: 600
 * MB/s seal (about 2.37 us per packet).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 3,
        jvmArgsAppend = {
            "--enable-native-access=ALL-UNNAMED",
            "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED"
        })
public class TransportBenchmark {
    static final int PACKET = 1420;
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    private final int[] key = {
        0x03020100,
        0x07060504,
        0x0b0a0908,
        0x0f0e0d0c,
        0x13121110,
        0x17161514,
        0x1b1a1918,
        0x1f1e1d1c
    };
    private ByteBuffer plaintext;
    private ByteBuffer sealed;
    private ByteBuffer opened;
    private long counter;

    @Setup
    public void setUp() {
        plaintext = ByteBuffer.allocateDirect(2048);
        sealed = ByteBuffer.allocateDirect(2048);
        opened = ByteBuffer.allocateDirect(2048);
        aead.seal(key, 0, null, plaintext, 0, PACKET, sealed, 0);
        if (!ChaCha20.usesJdkIntrinsic()) {
            System.err.println(
                    "note: JDK ChaCha20 intrinsic not reachable, scalar fallback measured");
        }
    }

    @Benchmark
    public int seal1420() {
        return aead.seal(key, counter++, null, plaintext, 0, PACKET, sealed, 0);
    }

    @Benchmark
    public boolean open1420() {
        return aead.open(key, 0, null, sealed, 0, PACKET + 16, opened, 0);
    }
}

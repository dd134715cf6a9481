package dev.sluice.benchmarks;

import dev.sluice.crypto.Action;
import dev.sluice.crypto.Tunnel;
import dev.sluice.crypto.TunnelResult;
import dev.sluice.crypto.TunnelSet;
import dev.sluice.crypto.primitives.X25519;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
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
 * Handshakes per second on one core: {@code complete} runs both sides in this thread (initiation
 * created, consumed and answered, response consumed and the confirming keepalive consumed: 8 X25519
 * operations). A server's share is about half of it.
 *
 * <p>Time is simulated (advanced past the per-peer initiation flood limit each round).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 2,
        jvmArgsAppend = {
            "--enable-native-access=ALL-UNNAMED",
            "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED"
        })
public class HandshakeBenchmark {
    private static final byte[] SOURCE = {10, 0, 0, 1, 0, 1};
    private TunnelSet alice;
    private TunnelSet bob;
    private Tunnel aliceToBob;
    private final ByteBuffer wire = ByteBuffer.allocateDirect(256);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(256);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(256);
    private final TunnelResult result = new TunnelResult();
    private long nowNs = 1_000_000_000L;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(1);
        alice = new TunnelSet(X25519.generatePrivate(random), random, () -> nowNs);
        bob = new TunnelSet(X25519.generatePrivate(random), random, () -> nowNs);
        aliceToBob = alice.addPeer(bob.staticPublic(), null, 1420, 0);
        bob.addPeer(alice.staticPublic(), null, 1420, 0);
    }

    @Benchmark
    public int complete() {
        nowNs += 6_000_000_000L; // past REKEY_TIMEOUT and the flood limit
        aliceToBob.requestHandshake();
        TunnelResult initiation = aliceToBob.pollTimers(wire, 0, nowNs, result);
        int length = initiation.length();
        TunnelResult response = bob.decapsulate(wire, 0, length, SOURCE, reply, 0, nowNs, result);
        if (response.action() != Action.WRITE_TO_NETWORK) {
            throw new IllegalStateException("response: " + response.dropReason());
        }
        TunnelResult keepalive =
                alice.decapsulate(reply, 0, response.length(), SOURCE, wire, 0, nowNs, result);
        TunnelResult confirmed =
                bob.decapsulate(wire, 0, keepalive.length(), SOURCE, scratch, 0, nowNs, result);
        if (!confirmed.sessionEstablished()) {
            throw new IllegalStateException("not confirmed");
        }
        return length;
    }
}

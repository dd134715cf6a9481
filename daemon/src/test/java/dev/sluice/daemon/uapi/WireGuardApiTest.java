package dev.sluice.daemon.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.crypto.PrivateKey;
import dev.sluice.daemon.platform.Platforms;
import dev.sluice.daemon.service.TunnelService;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a set request does to the running connection, and the errno the stock wg reads. */
class WireGuardApiTest {
    private final PrivateKey serverKey = PrivateKey.generate(new SecureRandom());
    private final String server =
            "public_key=" + HexFormat.of().formatHex(serverKey.publicKey().bytes());
    private final RecordingTarget target = new RecordingTarget(config());

    /** A connection that records what it is told instead of doing it. */
    private static final class RecordingTarget implements SetTarget {
        final SluiceConfig config;
        final List<String> moves = new ArrayList<>();
        final List<SluiceConfig> reconnects = new ArrayList<>();

        RecordingTarget(SluiceConfig config) {
            this.config = config;
        }

        @Override
        public SluiceConfig config() {
            return config;
        }

        @Override
        public void moveEndpoint(int peerIndex, InetSocketAddress endpoint) {
            moves.add(
                    peerIndex
                            + " "
                            + endpoint.getAddress().getHostAddress()
                            + " "
                            + endpoint.getPort());
        }

        @Override
        public void reconnect(SluiceConfig next) {
            reconnects.add(next);
        }
    }

    private SluiceConfig config() {
        try {
            return ConfigLoader.loadText(
                            "t.conf",
                            """
                            [Interface]
                            PrivateKey = UB6o5rFtmXHMABndGMAkw3s2nI4jUXNLhqyMQJphW3I=
                            Address = 10.66.0.2/32
                            [Peer]
                            PublicKey = %s
                            Endpoint = 198.18.1.2:51820
                            AllowedIPs = 10.0.0.0/8
                            """
                                    .formatted(serverKey.publicKey().toBase64()))
                    .orThrow();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldAnswerANegativeEinvalAndChangeNothingWhenFwMarkIsZero() {
        assertThat(WireGuardApi.set(target, List.of("fwmark=0"))).isEqualTo(-22);
        assertThat(WireGuardApi.set(target, List.of("listen_port=1", "fwmark=0"))).isEqualTo(-22);
        assertThat(target.reconnects).isEmpty();
        assertThat(target.moves).isEmpty();
    }

    @Test
    void shouldChangeNothingWhenAnyLineIsInvalid() {
        assertThat(
                        WireGuardApi.set(
                                target,
                                List.of(
                                        server,
                                        "endpoint=203.0.113.9:51820",
                                        "allowed_ip=10.0.0.1/8")))
                .isEqualTo(-22);
        assertThat(target.reconnects).isEmpty();
        assertThat(target.moves).isEmpty();
    }

    @Test
    void shouldMakeTheConnectionAgainWithANewNonzeroFwMark() {
        assertThat(WireGuardApi.set(target, List.of("fwmark=4660"))).isZero();
        assertThat(target.reconnects).hasSize(1);
        assertThat(target.reconnects.get(0).iface().fwMark()).isEqualTo(0x1234);
        assertThat(target.moves).isEmpty();
    }

    @Test
    void shouldMoveAnEndpointLiveWithoutReconnecting() {
        assertThat(WireGuardApi.set(target, List.of(server, "endpoint=[fd18:1::9]:51821")))
                .isZero();
        assertThat(target.moves).containsExactly("0 fd18:1:0:0:0:0:0:9 51821");
        assertThat(target.reconnects).isEmpty();
    }

    @Test
    void shouldDoNothingWhenTheRequestRepeatsTheCurrentValues() {
        assertThat(
                        WireGuardApi.set(
                                target,
                                List.of(
                                        "fwmark=1308",
                                        "replace_peers=true",
                                        server,
                                        "endpoint=198.18.1.2:51820",
                                        "allowed_ip=10.0.0.0/8")))
                .isZero();
        assertThat(target.reconnects).isEmpty();
        assertThat(target.moves).isEmpty();
    }

    @Test
    void shouldAnswerSetWithANegativeAndGetWithAPositiveEnodevWhenDisconnected() {
        TunnelService service =
                new TunnelService(
                        () -> {
                            throw new IllegalStateException("not used");
                        },
                        Path.of("t.conf"),
                        Path.of("/nonexistent/state"),
                        Platforms.current());
        try {
            WireGuardApi api = new WireGuardApi(service);
            assertThat(api.answer(List.of("set=1", "fwmark=0"))).isEqualTo("errno=-19\n\n");
            assertThat(api.answer(List.of("get=1"))).isEqualTo("errno=19\n\n");
        } finally {
            service.close();
        }
    }
}

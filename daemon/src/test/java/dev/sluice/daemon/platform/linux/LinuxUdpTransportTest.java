package dev.sluice.daemon.platform.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.daemon.dataplane.DatagramReceiver;
import dev.sluice.daemon.dataplane.DatagramSource;
import dev.sluice.daemon.dataplane.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The JNA transport on loopback: segmented sends arrive as their datagrams, with their source. */
class LinuxUdpTransportTest {
    @Test
    void aFullGsoSendShouldArriveWhole() throws Exception {
        List<Integer> lengths = new CopyOnWriteArrayList<>();
        DatagramReceiver receiver = (data, offset, length, source, nowNs) -> lengths.add(length);
        try (LinuxUdpTransport server = LinuxUdpTransport.open(0, 0, true, receiver);
                LinuxUdpTransport client = LinuxUdpTransport.open(0, 0, true, receiver)) {
            ByteBuffer data = ByteBuffer.allocateDirect(65_536);
            Endpoint to =
                    Endpoint.of(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            client.sendSegments(data, 0, 44 * 1452, 1452, to);
            long deadline = System.currentTimeMillis() + 5_000;
            while (lengths.size() < 44 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(lengths).hasSize(44).allMatch(length -> length == 1452);
        }
    }

    @Test
    void segmentedSendsShouldReachTheReceiverAsTheirDatagramsWithTheSource() throws Exception {
        for (boolean offloads : new boolean[] {true, false}) {
            List<String> received = new CopyOnWriteArrayList<>();
            List<Integer> batches = new CopyOnWriteArrayList<>();
            DatagramReceiver receiver =
                    new DatagramReceiver() {
                        @Override
                        public void onDatagram(
                                ByteBuffer data,
                                int offset,
                                int length,
                                DatagramSource source,
                                long nowNs) {
                            received.add(length + " from " + source.toAddress().getPort());
                        }

                        @Override
                        public void endOfBatch() {
                            batches.add(received.size());
                        }
                    };
            try (LinuxUdpTransport server = LinuxUdpTransport.open(0, 0, offloads, receiver);
                    LinuxUdpTransport client = LinuxUdpTransport.open(0, 0, offloads, receiver)) {
                ByteBuffer data = ByteBuffer.allocateDirect(5000);
                Endpoint to =
                        Endpoint.of(
                                new InetSocketAddress(
                                        InetAddress.getLoopbackAddress(), server.port()));
                client.sendSegments(data, 100, 3 * 1452 + 500, 1452, to);
                client.send(data, 0, 64, to.address());
                long deadline = System.currentTimeMillis() + 5_000;
                while (received.size() < 5 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                String from = " from " + client.port();
                assertThat(received)
                        .as("offloads %s", offloads)
                        .containsExactly(
                                "1452" + from,
                                "1452" + from,
                                "1452" + from,
                                "500" + from,
                                "64" + from);
                assertThat(batches).isNotEmpty();
            }
        }
    }
}

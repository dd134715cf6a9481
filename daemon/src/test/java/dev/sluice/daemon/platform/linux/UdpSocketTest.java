package dev.sluice.daemon.platform.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.AllocationMeter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The JNA UDP socket on loopback: GSO sends, GRO and batched receives, addresses. */
class UdpSocketTest {
    private static final int SEGMENT = 1000;

    /** Five datagrams in one send, as iovecs of a direct buffer; returns the bytes sent. */
    private static long sendFive(UdpSocket from, UdpSocket to, ByteBuffer payload, ByteBuffer iov) {
        long base = TunDevice.address(payload);
        for (int i = 0; i < 5; i++) {
            iov.putLong(16 * i, base + (long) i * SEGMENT);
            iov.putLong(16 * i + 8, i == 4 ? 300 : SEGMENT);
        }
        ByteBuffer sockaddr = ByteBuffer.allocateDirect(UdpSocket.SOCKADDR_LENGTH);
        int length =
                from.sockaddr(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), to.port()),
                        sockaddr,
                        0);
        return from.sender()
                .sendSegments(
                        TunDevice.address(iov),
                        5,
                        TunDevice.address(sockaddr),
                        length,
                        4 * SEGMENT + 300,
                        SEGMENT);
    }

    private static ByteBuffer payload() {
        ByteBuffer payload = ByteBuffer.allocateDirect(5 * SEGMENT);
        for (int i = 0; i < payload.capacity(); i++) {
            payload.put(i, (byte) (i * 7));
        }
        return payload;
    }

    @Test
    void aSegmentedSendShouldArriveCoalescedWithGroAndAsDatagramsWithout() throws Exception {
        try (UdpSocket sender = UdpSocket.open(0, 0, false);
                UdpSocket coalescing = UdpSocket.open(0, 0, true);
                UdpSocket plain = UdpSocket.open(0, 0, false)) {
            assertThat(coalescing.gro()).isTrue();
            ByteBuffer payload = payload();
            ByteBuffer iov = ByteBuffer.allocateDirect(16 * 5).order(ByteOrder.nativeOrder());
            assertThat(sendFive(sender, coalescing, payload, iov)).isEqualTo(4300);
            assertThat(sendFive(sender, plain, payload, iov)).isEqualTo(4300);

            ReceiveBatch batch = new ReceiveBatch(8, 65536);
            assertThat(coalescing.awaitReadable(2_000)).isTrue();
            assertThat(coalescing.receive(batch)).isEqualTo(1);
            assertThat(batch.length(0)).isEqualTo(4300);
            assertThat(batch.segmentSize(0)).isEqualTo(SEGMENT);
            for (int i = 0; i < 4300; i++) {
                assertThat(batch.data().get(batch.offset(0) + i)).isEqualTo(payload.get(i));
            }
            assertThat(UdpSocket.endpoint(batch.sources(), batch.sourceOffset(0)).getPort())
                    .isEqualTo(sender.port());

            assertThat(plain.awaitReadable(2_000)).isTrue();
            int received = 0;
            for (int attempt = 0; attempt < 20 && received < 5; attempt++) {
                int n = plain.receive(batch);
                for (int i = 0; i < n; i++) {
                    assertThat(batch.length(i)).isEqualTo(received + i == 4 ? 300 : SEGMENT);
                    assertThat(batch.segmentSize(i)).isEqualTo(batch.length(i));
                }
                received += n;
                if (n == 0) {
                    plain.awaitReadable(200);
                }
            }
            assertThat(received).isEqualTo(5);
        }
    }

    @Test
    void aWakeUpShouldEndAWaitWithoutDatagrams() throws Exception {
        try (UdpSocket socket = UdpSocket.open(0, 0, true)) {
            ReceiveBatch batch = new ReceiveBatch(2, 2048);
            Thread.ofVirtual()
                    .start(
                            () -> {
                                try {
                                    Thread.sleep(100);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                socket.wakeReader();
                            });
            assertThat(socket.awaitReadable(-1)).isFalse();
        }
    }

    @Test
    void sendingAndReceivingShouldAllocateNothing() throws Exception {
        try (UdpSocket sender = UdpSocket.open(0, 0, false);
                UdpSocket receiver = UdpSocket.open(0, 0, true)) {
            ByteBuffer payload = payload();
            ByteBuffer iov = ByteBuffer.allocateDirect(16 * 5).order(ByteOrder.nativeOrder());
            ByteBuffer sockaddr = ByteBuffer.allocateDirect(UdpSocket.SOCKADDR_LENGTH);
            int length =
                    sender.sockaddr(
                            new InetSocketAddress(
                                    InetAddress.getLoopbackAddress(), receiver.port()),
                            sockaddr,
                            0);
            long base = TunDevice.address(payload);
            for (int i = 0; i < 5; i++) {
                iov.putLong(16 * i, base + (long) i * SEGMENT);
                iov.putLong(16 * i + 8, SEGMENT);
            }
            UdpSocket.Sender out = sender.sender();
            long sockaddrAddress = TunDevice.address(sockaddr);
            long iovAddress = TunDevice.address(iov);
            ReceiveBatch batch = new ReceiveBatch(8, 65536);
            long[] sink = new long[1];
            long bytes =
                    AllocationMeter.bytesAllocatedBy(
                            2_000,
                            20_000,
                            () -> {
                                sink[0] +=
                                        out.sendSegments(
                                                iovAddress,
                                                5,
                                                sockaddrAddress,
                                                length,
                                                5000,
                                                SEGMENT);
                                sink[0] += receiver.receive(batch);
                                for (int i = 0; i < batch.count(); i++) {
                                    sink[0] += batch.segmentSize(i) + batch.length(i);
                                }
                            });
            assertThat(bytes).as("bytes allocated in 20,000 sends and receives").isLessThan(20_000);
            assertThat(sink[0]).isPositive();
        }
    }
}

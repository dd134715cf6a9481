package dev.sluice.packet.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.AllocationMeter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void shouldHandOutEveryBufferOnceThenApplyBackpressure() {
        BufferPool pool = new BufferPool(5, 2048);
        Set<Integer> seen = new HashSet<>();
        List<PacketBuffer> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PacketBuffer buffer = pool.tryAcquire();
            assertThat(buffer).isNotNull();
            assertThat(buffer.data().isDirect()).isTrue();
            assertThat(buffer.capacity()).isEqualTo(2048);
            assertThat(seen.add(buffer.index())).isTrue();
            taken.add(buffer);
        }
        assertThat(pool.tryAcquire()).as("empty pool must not grow").isNull();
        assertThat(pool.available()).isZero();
        assertThat(pool.inUse()).isEqualTo(5);
        taken.forEach(PacketBuffer::release);
        assertThat(pool.available()).isEqualTo(5);
    }

    @Test
    void shouldGiveEachBufferItsOwnMemory() {
        BufferPool pool = new BufferPool(3, 16);
        PacketBuffer a = pool.tryAcquire();
        PacketBuffer b = pool.tryAcquire();
        a.data().putLong(8, -1L);
        assertThat(b.data().getLong(8)).isZero();
        assertThat(b.data().getLong(0)).isZero();
        a.release();
        b.release();
    }

    @Test
    void shouldRejectDoubleReleaseAndForeignBuffers() {
        BufferPool pool = new BufferPool(2, 64);
        PacketBuffer buffer = pool.tryAcquire();
        buffer.release();
        assertThatThrownBy(buffer::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released twice");
        PacketBuffer foreign = new BufferPool(1, 64).tryAcquire();
        assertThatThrownBy(() -> pool.release(foreign))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(pool.available()).isEqualTo(2);
    }

    @Test
    void shouldWaitForAReleaseWhenEmptyAndTimeOutOtherwise() throws Exception {
        BufferPool pool = new BufferPool(1, 64);
        PacketBuffer only = pool.acquire(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(only).isNotNull();
        assertThat(pool.acquire(TimeUnit.MILLISECONDS.toNanos(20))).isNull();

        AtomicReference<PacketBuffer> waited = new AtomicReference<>();
        Thread waiter = new Thread(() -> waited.set(pool.acquire(TimeUnit.SECONDS.toNanos(10))));
        waiter.start();
        only.release();
        waiter.join(10_000);
        assertThat(waited.get()).isSameAs(only);
    }

    @Test
    void shouldReturnEveryBufferUnderConcurrentHandOver() throws Exception {
        BufferPool pool = new BufferPool(64, 128);
        BlockingQueue<PacketBuffer> handOver = new ArrayBlockingQueue<>(64);
        int perProducer = 200_000;
        int producers = 2;
        CountDownLatch done = new CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Thread producer =
                    new Thread(
                            () -> {
                                for (int i = 0; i < perProducer; i++) {
                                    PacketBuffer buffer;
                                    while ((buffer = pool.tryAcquire()) == null) {
                                        Thread.onSpinWait();
                                    }
                                    buffer.data().putInt(0, i);
                                    buffer.packet(0, 4);
                                    try {
                                        handOver.put(buffer); // ownership moves to the consumer
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                                done.countDown();
                            });
            threads.add(producer);
        }
        Thread consumer =
                new Thread(
                        () -> {
                            for (int i = 0; i < perProducer * producers; i++) {
                                try {
                                    handOver.take().release();
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
        threads.add(consumer);
        threads.forEach(Thread::start);
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        consumer.join(60_000);
        assertThat(pool.available()).isEqualTo(64);
        Set<Integer> indices = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            indices.add(pool.tryAcquire().index());
        }
        assertThat(indices).hasSize(64);
    }

    @Test
    void shouldHandBackTheBufferReleasedLastWhenAcquiringNext() {
        BufferPool pool = new BufferPool(160, 64);
        PacketBuffer first = pool.tryAcquire();
        first.release();
        for (int i = 0; i < 1_000; i++) {
            PacketBuffer again = pool.tryAcquire();
            assertThat(again).as("acquire %d after a release", i).isSameAs(first);
            again.release();
        }
        // The hot slot counts as available; a second release goes to the queue behind it.
        PacketBuffer a = pool.tryAcquire();
        PacketBuffer b = pool.tryAcquire();
        assertThat(pool.available()).isEqualTo(158);
        a.release();
        b.release();
        assertThat(pool.available()).isEqualTo(160);
        assertThat(pool.tryAcquire()).isSameAs(a);
    }

    @Test
    void shouldAllocateNothingPerAcquireAndRelease() {
        BufferPool pool = new BufferPool(4, 64);
        long bytes =
                AllocationMeter.bytesAllocatedBy(
                        20_000,
                        200_000,
                        () -> {
                            PacketBuffer buffer = pool.tryAcquire();
                            buffer.packet(0, 10);
                            buffer.release();
                        });
        assertThat(bytes).isZero();
    }
}

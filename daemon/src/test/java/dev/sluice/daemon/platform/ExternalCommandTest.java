package dev.sluice.daemon.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real child processes ({@code sh}, {@code sleep}, {@code yes}, {@code cat}): the timeout fires
 * within bounds whatever the child does, and output or input larger than a pipe holds (64 KiB)
 * cannot deadlock the run.
 */
class ExternalCommandTest {
    /** An argument no other process on the machine uses, to find ours. */
    private static final String MARK = "37.123";

    /** The deadline plus this much: killing and reaping take a moment, never seconds. */
    private static final long SLACK_MS = 3_000;

    @AfterEach
    void noChildLeftBehind() throws Exception {
        for (ProcessHandle process : marked()) {
            // SIGKILL was sent; give the kernel and the reaper a moment to finish it off.
            process.onExit().get(5, TimeUnit.SECONDS);
        }
        assertThat(marked()).as("processes of this test still running").isEmpty();
    }

    /** Every process on the machine whose arguments carry {@link #MARK} (orphans included). */
    private static List<ProcessHandle> marked() {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(
                        process ->
                                process.info().arguments().stream()
                                        .flatMap(java.util.Arrays::stream)
                                        .anyMatch(argument -> argument.contains(MARK)))
                .toList();
    }

    private static long elapsedMs(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    @Test
    void shouldKillTheChildAndNameItWhenItOutlivesTheTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                ExternalCommand.check(
                                        List.of("sleep", MARK), null, 300, "apply the firewall"))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "apply the firewall: 'sleep "
                                + MARK
                                + "' did not finish within 300 ms;"
                                + " killed it");
        assertThat(elapsedMs(start)).isBetween(300L, 300 + SLACK_MS);
    }

    @Test
    void shouldFireTheTimeoutWhenAChattyChildFillsThePipeAndThenHangs() {
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                ExternalCommand.run(
                                        List.of(
                                                "sh",
                                                "-c",
                                                "yes | head -c 10000000; sleep " + MARK),
                                        null,
                                        2_000,
                                        "chatty"))
                .hasMessageContaining("did not finish within 2 s; killed it");
        assertThat(elapsedMs(start)).isBetween(2_000L, 2_000 + SLACK_MS);
    }

    @Test
    void shouldReturnOutputLargerThanAPipeHoldsWhenTheChildFinishes() throws Exception {
        ExternalCommand.Result result =
                ExternalCommand.run(
                        List.of("sh", "-c", "yes | head -c 10000000; echo done >&2"),
                        null,
                        20_000,
                        "chatty");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).hasSize(10_000_005).endsWith("y\ndone\n");
    }

    @Test
    void shouldWriteInputAndReadOutputTogetherWhenBothExceedAPipe() throws Exception {
        String input = "nameserver 192.0.2.1\n".repeat(50_000); // about 1 MiB
        String output = ExternalCommand.check(List.of("cat"), input, 20_000, "echo");
        assertThat(output).isEqualTo(input);
    }

    @Test
    void shouldFireTheTimeoutWhenTheChildNeverReadsItsInput() {
        String input = "x".repeat(1 << 20);
        long start = System.nanoTime();
        assertThatThrownBy(
                        () -> ExternalCommand.run(List.of("sleep", MARK), input, 300, "stubborn"))
                .hasMessageContaining("did not finish within 300 ms");
        assertThat(elapsedMs(start)).isBetween(300L, 300 + SLACK_MS);
    }

    @Test
    void shouldNameTheCommandItsStatusAndItsOutputWhenItFails() {
        assertThatThrownBy(
                        () ->
                                ExternalCommand.check(
                                        List.of(
                                                "sh",
                                                "-c",
                                                "echo 'Error: No such table' >&2; exit 1"),
                                        null,
                                        10_000,
                                        "nft delete table inet sluice"))
                .hasMessage("nft delete table inet sluice: sh exited 1: Error: No such table");
    }

    @Test
    void shouldSayWhichToolIsMissingWhenItCannotStart() {
        assertThatThrownBy(
                        () ->
                                ExternalCommand.run(
                                        List.of("sluice-no-such-tool"), null, 1_000, "resolvectl"))
                .hasMessageStartingWith("resolvectl: cannot run sluice-no-such-tool: ");
    }

    @Test
    void shouldGiveTheChildNoInputWhenThereIsNone() throws Exception {
        assertThat(ExternalCommand.check(List.of("cat"), null, 10_000, "cat")).isEmpty();
    }
}

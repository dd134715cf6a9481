package dev.sluice.daemon.platform.darwin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.daemon.platform.ExternalCommand;
import dev.sluice.routing.manager.FirewallTable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pfctl's command lines, stdin and output as {@link PfFirewall} uses them, on a recording fake. */
class PfFirewallTest {
    private static final String ANCHOR = "com.apple/250.SluiceKillSwitch";

    /**
     * What {@code pfctl -E} prints (to stderr) on macOS: pfctl's ALTQ remarks, then the state and
     * the reference token (pfctl.c, {@code pfctl_enable}: "pf enabled", "Token : %llu").
     */
    static final String ENABLED =
            """
            No ALTQ support in kernel
            ALTQ related functions disabled
            pf enabled
            Token : 16717428863385731021
            """;

    /** {@code pfctl -a <anchor> -v -s rules}: each rule, then its counters. */
    static final String LISTING =
            """
            No ALTQ support in kernel
            ALTQ related functions disabled
            pass out quick on lo0 all no state
              [ Evaluations: 812       Packets: 40        Bytes: 3360        States: 0     ]
            block return out quick proto { tcp udp } from any to any port = 53
              [ Evaluations: 772       Packets: 7         Bytes: 441         States: 0     ]
            block return out quick all
              [ Evaluations: 765       Packets: 31        Bytes: 2108        States: 0     ]
            """;

    /** Records each command and its stdin; answers from a queue (exit 0, "" when empty). */
    static final class FakePfctl implements PfFirewall.Commands {
        final List<String> transcript = new ArrayList<>();
        final Deque<ExternalCommand.Result> answers = new ArrayDeque<>();

        FakePfctl answer(int exitCode, String output) {
            answers.add(new ExternalCommand.Result(exitCode, output));
            return this;
        }

        @Override
        public ExternalCommand.Result run(List<String> command, String stdin) {
            transcript.add(String.join(" ", command) + (stdin == null ? "" : " <<< " + stdin));
            ExternalCommand.Result answer = answers.poll();
            return answer != null ? answer : new ExternalCommand.Result(0, "");
        }
    }

    private static final FirewallTable TABLE =
            new FirewallTable("pf", ANCHOR, "block return out quick all\n");

    @Test
    void shouldParseTheTokenPfctlPrintsAmongItsRemarks() throws Exception {
        assertThat(PfFirewall.parseToken(ENABLED)).isEqualTo("16717428863385731021");
        assertThat(PfFirewall.parseToken("Token : 1\n")).isEqualTo("1");
        assertThatThrownBy(() -> PfFirewall.parseToken("pfctl: DIOCSTARTREF: Permission denied\n"))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "kill switch: '/sbin/pfctl -E' printed no token: pfctl: DIOCSTARTREF:"
                                + " Permission denied");
    }

    @Test
    void shouldLoadTheAnchorFromStdinThenEnablePfOnceAndKeepTheToken() throws Exception {
        FakePfctl pfctl = new FakePfctl().answer(0, "").answer(0, ENABLED);
        PfFirewall firewall = new PfFirewall(pfctl, () -> "utun4", 0);
        firewall.replace(TABLE);
        firewall.replace(TABLE);
        assertThat(pfctl.transcript)
                .containsExactly(
                        "/sbin/pfctl -a " + ANCHOR + " -f - <<< block return out quick all\n",
                        "/sbin/pfctl -E",
                        "/sbin/pfctl -a " + ANCHOR + " -f - <<< block return out quick all\n");
        assertThat(firewall.reference()).isEqualTo("16717428863385731021");
    }

    @Test
    void shouldFlushTheAnchorAndReleaseTheTokenOnDelete() throws Exception {
        FakePfctl pfctl = new FakePfctl().answer(0, "").answer(0, ENABLED);
        PfFirewall firewall = new PfFirewall(pfctl, () -> null, 0);
        firewall.replace(TABLE);
        pfctl.transcript.clear();
        pfctl.answer(0, LISTING);
        firewall.delete("pf", ANCHOR);
        assertThat(pfctl.transcript)
                .containsExactly(
                        "/sbin/pfctl -a " + ANCHOR + " -s rules",
                        "/sbin/pfctl -a " + ANCHOR + " -F all",
                        "/sbin/pfctl -X 16717428863385731021");
        assertThat(firewall.reference()).isNull();
    }

    @Test
    void shouldTakeAFreshTokenBeforeGivingBackTheOneAnEarlierProcessRecorded() throws Exception {
        FakePfctl pfctl = new FakePfctl().answer(0, "").answer(0, ENABLED);
        PfFirewall firewall = new PfFirewall(pfctl, () -> null, 0);
        firewall.adoptReference("42");
        assertThat(firewall.reference()).isEqualTo("42");
        firewall.replace(TABLE);
        assertThat(pfctl.transcript)
                .containsExactly(
                        "/sbin/pfctl -a " + ANCHOR + " -f - <<< block return out quick all\n",
                        "/sbin/pfctl -E",
                        "/sbin/pfctl -X 42");
        assertThat(firewall.reference()).isEqualTo("16717428863385731021");
    }

    @Test
    void shouldReleaseARecordedTokenOnDeleteEvenWhenTheAnchorIsGone() throws Exception {
        FakePfctl pfctl =
                new FakePfctl()
                        .answer(1, "pfctl: DIOCGETRULES: Invalid argument\n")
                        .answer(1, "pfctl: DIOCSTOPREF: Invalid argument\n");
        PfFirewall firewall = new PfFirewall(pfctl, () -> null, 0);
        firewall.adoptReference("42");
        firewall.delete("pf", ANCHOR);
        assertThat(pfctl.transcript)
                .as("absent anchor: no flush; a token gone with a reboot is only logged")
                .containsExactly("/sbin/pfctl -a " + ANCHOR + " -s rules", "/sbin/pfctl -X 42");
        assertThat(firewall.reference()).isNull();
    }

    @Test
    void shouldNameTheCommandAndItsOutputWhenPfctlFails() {
        FakePfctl pfctl = new FakePfctl().answer(1, "stdin:3: syntax error\npfctl: Syntax error\n");
        PfFirewall firewall = new PfFirewall(pfctl, () -> null, 0);
        assertThatThrownBy(() -> firewall.replace(TABLE))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "kill switch: '/sbin/pfctl -a "
                                + ANCHOR
                                + " -f -' exited 1: stdin:3: syntax error\npfctl: Syntax error");
        assertThat(firewall.reference()).as("pf was not enabled").isNull();
    }

    @Test
    void shouldCountWhatTheBlockRulesRefused() throws Exception {
        assertThat(PfFirewall.refusedPackets(LISTING)).isEqualTo(38);
        assertThat(PfFirewall.hasRules(LISTING)).isTrue();
        assertThat(PfFirewall.hasRules("No ALTQ support in kernel\n")).isFalse();
        FakePfctl pfctl = new FakePfctl().answer(0, LISTING);
        assertThat(new PfFirewall(pfctl, () -> null, 0).countedPackets("pf", ANCHOR)).isEqualTo(38);
        assertThat(pfctl.transcript).containsExactly("/sbin/pfctl -a " + ANCHOR + " -v -s rules");
    }
}

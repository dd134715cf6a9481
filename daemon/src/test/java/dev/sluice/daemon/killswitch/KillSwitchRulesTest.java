package dev.sluice.daemon.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.routing.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kill switch's table: what is allowed, in which order, and what is refused. */
class KillSwitchRulesTest {
    @Test
    void shouldAllowOnlyTheTunTheMarkAndTheHousekeepingAndRefuseTheRest() {
        String script =
                KillSwitchRules.table(
                                "sluice0",
                                0x51c,
                                List.of(IpPrefix.parse("192.168.1.0/24")),
                                List.of())
                        .script();
        assertThat(script)
                .contains(
                        "comment \"sluice kill switch",
                        "oifname \"lo\" accept",
                        "meta mark 0x51c accept",
                        "oifname \"sluice0\" accept",
                        "iifname \"sluice0\" accept",
                        "udp sport 68 udp dport 67 accept",
                        "udp sport 546 udp dport 547 accept",
                        "nd-router-solicit",
                        "set local4 { type ipv4_addr; flags interval; elements = { 192.168.1.0/24 }; }",
                        "set bypass4 { type ipv4_addr; flags interval; }",
                        "meta l4proto tcp counter reject with tcp reset",
                        "counter reject with icmpx admin-prohibited");
        // DNS is refused before anything else on the allowed list could let it out (the LAN's
        // resolver sits in the local networks).
        assertThat(script.indexOf("th dport 53 goto refuse"))
                .isLessThan(script.indexOf("ip daddr @local4 accept"));
        // The tun and the mark come before the allowed list; everything else ends refused.
        assertThat(script.indexOf("oifname \"sluice0\" accept"))
                .isLessThan(script.indexOf("goto allowed"));
        assertThat(script).containsPattern("goto refuse\n\t}\n\tchain output");
    }
}

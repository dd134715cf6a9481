package dev.sluice.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.DomainPattern;
import dev.sluice.daemon.dns.DomainRules.Upstream;
import dev.sluice.routing.policy.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainRulesTest {
    private static List<DomainPattern> patterns(String... texts) {
        return java.util.Arrays.stream(texts).map(DomainPattern::parse).toList();
    }

    private final DomainRules include =
            new DomainRules(
                    patterns("corp.example", "*.internal.example"),
                    patterns("zoom.us"),
                    patterns("ad.example"),
                    false,
                    true);

    @Test
    void corporateNamesShouldGoToTheTunnelResolversAndTheRestToTheOriginalOnes() {
        assertThat(include.upstream("corp.example")).isEqualTo(Upstream.TUNNEL);
        assertThat(include.upstream("app.corp.example")).isEqualTo(Upstream.TUNNEL);
        assertThat(include.upstream("x.internal.example")).isEqualTo(Upstream.TUNNEL);
        assertThat(include.upstream("internal.example"))
                .as("*. covers names under it only")
                .isEqualTo(Upstream.ORIGINAL);
        assertThat(include.upstream("dc1.ad.example"))
                .as("DNS search domain")
                .isEqualTo(Upstream.TUNNEL);
        assertThat(include.upstream("notcorp.example")).isEqualTo(Upstream.ORIGINAL);
        assertThat(include.upstream("video.zoom.us")).isEqualTo(Upstream.ORIGINAL);
    }

    @Test
    void aFullTunnelShouldSendEverythingButBypassDomainsThroughTheTunnel() {
        DomainRules full =
                new DomainRules(patterns(), patterns("isp.example"), patterns(), true, true);
        assertThat(full.upstream("example.org")).isEqualTo(Upstream.TUNNEL);
        assertThat(full.upstream("mail.isp.example")).isEqualTo(Upstream.ORIGINAL);
        assertThat(full.routingDomains()).containsExactly("~isp.example", "~.");
    }

    @Test
    void withoutTunnelResolversEverythingShouldGoToTheOriginalOnes() {
        DomainRules noResolver =
                new DomainRules(patterns("corp.example"), patterns(), patterns(), true, false);
        assertThat(noResolver.upstream("app.corp.example")).isEqualTo(Upstream.ORIGINAL);
    }

    @Test
    void theFirstCoveredNameOfTheChainShouldDecideTheVerdict() {
        assertThat(include.verdict(List.of("www.example.org", "edge.zoom.us")))
                .isEqualTo(new DomainRules.Match(Verdict.BYPASS, DomainPattern.parse("zoom.us")));
        assertThat(include.verdict(List.of("app.corp.example", "edge.zoom.us")).verdict())
                .isEqualTo(Verdict.TUNNEL);
        assertThat(include.verdict(List.of("www.example.org"))).isNull();
        assertThat(include.routingDomains())
                .containsExactly("~corp.example", "~internal.example", "~ad.example", "~zoom.us");
    }
}

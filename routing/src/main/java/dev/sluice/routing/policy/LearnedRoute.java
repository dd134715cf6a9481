package dev.sluice.routing.policy;

import dev.sluice.routing.IpPrefix;

/**
 * A host route learned from a DNS answer: a {@code TunnelDomains} answer asks for {@link
 * Verdict#TUNNEL}, a {@code BypassDomains} answer for {@link Verdict#BYPASS}. Whether it applies is
 * {@link LearnedAdmission}'s decision.
 *
 * @param prefix a host prefix (/32 or /128)
 * @param verdict what the answer asks for
 */
public record LearnedRoute(IpPrefix prefix, Verdict verdict) {}

package dev.sluice.routing.policy;

/**
 * Whether a route learned from a DNS answer may change what the static policy (configuration and
 * machine) decides for its address. DNS answers can come from an untrusted resolver (the network's
 * own, for {@code BypassDomains} names), so:
 *
 * <ul>
 *   <li>a learned <b>bypass</b> route never overrides a static <b>tunnel</b> decision: a {@code
 *       Tunnel} prefix, a peer's AllowedIPs used as the tunnel list, a tunnel resolver, and in
 *       exclude mode the mode's default for a private, CGNAT or ULA address ({@link PrivateRanges})
 *       — otherwise {@code cdn.example A <corporate address>} would send corporate traffic out in
 *       clear;
 *   <li>a learned <b>tunnel</b> route may only pull traffic in;
 *   <li>neither touches special-purpose ranges or a peer's endpoint (tunnelling it would loop).
 * </ul>
 *
 * <p>Cost: two trie lookups. Thread-safe (stateless).
 */
public final class LearnedAdmission {
    private LearnedAdmission() {}

    /**
     * @param policy the static policy, without learned routes
     * @param route what the answer asks for
     * @return null when the route applies, else why the static verdict stays (for logs and {@code
     *     classify})
     */
    public static String refusal(CompiledPolicy policy, LearnedRoute route) {
        Classification kept = policy.classify(route.prefix());
        switch (kept.source()) {
            case SPECIAL:
                return "special-purpose address, " + kept.verdict().label() + " always";
            case ENDPOINT:
                return "a peer's endpoint, bypass always";
            default:
                break;
        }
        if (route.verdict() != Verdict.BYPASS) {
            return null;
        }
        boolean tunnelBound = kept.verdict() == Verdict.TUNNEL || kept.noPeer();
        if (!tunnelBound) {
            return null;
        }
        return switch (kept.source()) {
            case TUNNEL_LIST, ALLOWED_IPS, DNS_SERVER ->
                    "a bypass answer cannot override " + describe(kept);
            case DEFAULT ->
                    policy.policy().mode() == SplitMode.EXCLUDE
                                    && PrivateRanges.contains(route.prefix())
                            ? "a bypass answer cannot take a private address out of the tunnel"
                            : null;
            default -> null;
        };
    }

    private static String describe(Classification kept) {
        return kept.source().label() + (kept.matched() == null ? "" : " " + kept.matched());
    }
}

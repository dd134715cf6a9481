package dev.sluice.config;

import java.util.Locale;

/**
 * A domain in {@code TunnelDomains} / {@code BypassDomains}: {@code corp.example.com} matches the
 * name and every name under it; {@code *.internal.example} matches names under it only.
 */
public record DomainPattern(String domain, boolean subdomainsOnly) {
    public static DomainPattern parse(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        boolean wildcard = lower.startsWith("*.");
        String domain = wildcard ? lower.substring(2) : lower;
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!isDomainName(domain)) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not a domain name");
        }
        return new DomainPattern(domain, wildcard);
    }

    /** RFC 1035 names: labels of letters, digits and hyphens (underscores tolerated), <= 253. */
    static boolean isDomainName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty()
                    || label.length() > 63
                    || label.startsWith("-")
                    || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when {@code name} (any case, trailing dot allowed) is covered by this pattern. */
    public boolean matches(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.equals(domain)) {
            return !subdomainsOnly;
        }
        return lower.endsWith("." + domain);
    }

    @Override
    public String toString() {
        return subdomainsOnly ? "*." + domain : domain;
    }
}

package dev.sluice.routing.manager;

import dev.sluice.routing.IpFamily;

/**
 * A policy routing rule ({@code ip rule}): a priority, at most one selector, and the table it looks
 * up.
 *
 * @param inputInterface match packets arriving on this interface, or null
 * @param fwmark match this firewall mark (0: no mark selector)
 * @param suppressPrefixLength ignore routes with a prefix this short or shorter (-1: none)
 * @param table the table to look up (254 is main)
 */
public record RuleEntry(
        IpFamily family,
        int priority,
        String inputInterface,
        int fwmark,
        int suppressPrefixLength,
        int table) {
    public static final int MAIN_TABLE = 254;

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(family == IpFamily.IPV4 ? "ipv4" : "ipv6").append(" pref ").append(priority);
        if (inputInterface != null) {
            text.append(" iif ").append(inputInterface);
        }
        if (fwmark != 0) {
            text.append(" fwmark 0x").append(Integer.toHexString(fwmark));
        }
        text.append(" lookup ").append(table == MAIN_TABLE ? "main" : Integer.toString(table));
        if (suppressPrefixLength >= 0) {
            text.append(" suppress_prefixlength ").append(suppressPrefixLength);
        }
        return text.toString();
    }
}

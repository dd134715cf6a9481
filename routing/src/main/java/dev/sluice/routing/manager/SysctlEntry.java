package dev.sluice.routing.manager;

/** A kernel parameter and the value Sluice needs: {@code net.ipv4.ip_forward=1}. */
public record SysctlEntry(String key, String value) {
    @Override
    public String toString() {
        return key + "=" + value;
    }
}

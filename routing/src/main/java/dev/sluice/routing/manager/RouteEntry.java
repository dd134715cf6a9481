package dev.sluice.routing.manager;

import dev.sluice.routing.IpPrefix;

/**
 * A route in a table: {@code 10.0.0.0/8 dev sluice0 table 51820}, {@code 192.0.2.0/24 throw table
 * 51820}.
 *
 * @param device the output interface for UNICAST routes, else null
 */
public record RouteEntry(IpPrefix destination, RouteType type, String device, int table) {
    public static RouteEntry viaDevice(IpPrefix destination, String device, int table) {
        return new RouteEntry(destination, RouteType.UNICAST, device, table);
    }

    @Override
    public String toString() {
        String target = type == RouteType.UNICAST ? "dev " + device : type.word();
        return destination + " " + target + " table " + table;
    }
}

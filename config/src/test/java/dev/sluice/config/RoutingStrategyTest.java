package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutingStrategyTest {
    @Test
    void shouldDefaultToKernelOnMacOsWhereCaptureCannotWork() {
        assertThat(RoutingStrategy.defaultFor("Mac OS X")).isEqualTo(RoutingStrategy.KERNEL);
        assertThat(RoutingStrategy.defaultFor("Darwin")).isEqualTo(RoutingStrategy.KERNEL);
    }

    @Test
    void shouldDefaultToCaptureOnLinux() {
        assertThat(RoutingStrategy.defaultFor("Linux")).isEqualTo(RoutingStrategy.CAPTURE);
    }
}

package dev.sluice.daemon.killswitch;

/**
 * The kill switch in {@code sluice status}.
 *
 * @param state off, armed or blocking
 * @param mode the configuration's {@code KillSwitch}: off, on, always
 * @param reason why it is in this state, one sentence
 * @param refusedPackets packets the block refused since it was put in place
 */
public record KillSwitchStatus(String state, String mode, String reason, long refusedPackets) {}

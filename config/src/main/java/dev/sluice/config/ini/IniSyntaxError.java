package dev.sluice.config.ini;

/**
 * A line the parser could not read.
 *
 * @param line 1-based line
 * @param message one sentence saying what is wrong
 */
public record IniSyntaxError(int line, String message) {}

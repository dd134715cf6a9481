package dev.sluice.config;

/**
 * A configuration value that breaks a rule of {@link ConfigRules}; the message names the key and
 * the value (never a secret's value) and says what is accepted.
 */
public final class InvalidValueException extends IllegalArgumentException {
    public InvalidValueException(String message) {
        super(message);
    }
}

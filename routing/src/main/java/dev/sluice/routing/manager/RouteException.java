package dev.sluice.routing.manager;

/** An operation the system refused; the message names the operation and the reason. */
public final class RouteException extends Exception {
    public RouteException(String message, Throwable cause) {
        super(message, cause);
    }

    public RouteException(String message) {
        super(message);
    }
}

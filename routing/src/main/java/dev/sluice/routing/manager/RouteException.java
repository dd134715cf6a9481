package dev.sluice.routing.manager;

/** An operation the system refused; the message names the operation and the reason. */
public final class RouteException extends Exception {
    private final boolean alreadyInPlace;

    public RouteException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param alreadyInPlace the system refused because it already is as the operation would make it
     *     (adding what exists, deleting what is gone, a device that has disappeared): undoing a
     *     journal treats that as done
     */
    public RouteException(String message, Throwable cause, boolean alreadyInPlace) {
        super(message, cause);
        this.alreadyInPlace = alreadyInPlace;
    }

    public boolean alreadyInPlace() {
        return alreadyInPlace;
    }

    public RouteException(String message) {
        this(message, null, false);
    }
}

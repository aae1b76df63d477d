package lantern.errors;

/** A configured limit on concurrent work is reached try again later (after {@link #retryAfterSeconds}). The message names the limit. */
public class BusyException extends IllegalStateException implements DomainException {
    private final int retryAfterSeconds;

    public BusyException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

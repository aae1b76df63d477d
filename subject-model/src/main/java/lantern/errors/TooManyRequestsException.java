package lantern.errors;

/** A configured limit on concurrent work is reached (HTTP 429); try again later. The message names the limit. */
public class TooManyRequestsException extends IllegalStateException implements HttpStatusException {
    private final int retryAfterSeconds;

    public TooManyRequestsException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String title() {
        return "Too many requests";
    }
}

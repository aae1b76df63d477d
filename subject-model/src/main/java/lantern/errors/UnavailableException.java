package lantern.errors;

/** The service cannot do this as configured or right now (HTTP 503): not the caller's fault. */
public class UnavailableException extends IllegalStateException implements HttpStatusException {
    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public String title() {
        return "Service unavailable";
    }
}

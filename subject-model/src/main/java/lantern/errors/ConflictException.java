package lantern.errors;

/** The request clashes with the stored state (HTTP 409), e.g. records of an SAE that was retrained since. */
public class ConflictException extends IllegalStateException implements HttpStatusException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String title() {
        return "Conflict";
    }
}

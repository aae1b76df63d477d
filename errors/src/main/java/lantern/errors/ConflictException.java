package lantern.errors;

/** The request clashes with the current state (a job already running, a name taken); the message says which. */
public class ConflictException extends IllegalStateException implements DomainException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}

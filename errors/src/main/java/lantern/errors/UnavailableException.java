package lantern.errors;

/** A resource the work needs is missing or down (an LLM server, a cluster, disk); the message says which. */
public class UnavailableException extends IllegalStateException implements DomainException {
    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

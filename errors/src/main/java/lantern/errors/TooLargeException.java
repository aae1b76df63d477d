package lantern.errors;

/** The input is larger than a configured limit; the message names the limit. */
public class TooLargeException extends IllegalArgumentException implements DomainException {
    public TooLargeException(String message) {
        super(message);
    }

    public TooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}

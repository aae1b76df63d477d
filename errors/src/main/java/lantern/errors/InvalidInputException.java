package lantern.errors;

/** The caller's input is wrong; the message says what to fix. */
public class InvalidInputException extends IllegalArgumentException implements DomainException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

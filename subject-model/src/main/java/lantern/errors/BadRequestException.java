package lantern.errors;

/** The caller's input is wrong (HTTP 400); the message says what to fix. */
public class BadRequestException extends IllegalArgumentException implements HttpStatusException {
    public BadRequestException(String message) {
        super(message);
    }

    public BadRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String title() {
        return "Bad request";
    }
}

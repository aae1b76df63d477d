package lantern.errors;

/** The request asks for more than a configured limit allows (HTTP 413); the message names the limit. */
public class PayloadTooLargeException extends IllegalArgumentException implements HttpStatusException {
    public PayloadTooLargeException(String message) {
        super(message);
    }

    public PayloadTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String title() {
        return "Payload too large";
    }
}

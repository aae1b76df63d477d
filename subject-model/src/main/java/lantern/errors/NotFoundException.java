package lantern.errors;

import java.util.NoSuchElementException;

/** What the request names does not exist (HTTP 404): a model, a feature, an audit, a direction. */
public class NotFoundException extends NoSuchElementException implements HttpStatusException {
    public NotFoundException(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String title() {
        return "Not found";
    }
}

package lantern.errors;

/** What the caller named (a model, a feature, a job, a graph) does not exist; the message names it and how to make it. */
public class NotFoundException extends java.util.NoSuchElementException implements DomainException {
    public NotFoundException(String message) {
        super(message);
    }
}

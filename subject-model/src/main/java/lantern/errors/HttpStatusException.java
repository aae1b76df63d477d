package lantern.errors;

/**
 * Our exceptions that say what went wrong in HTTP terms. The REST layer maps exactly these to their status (see
 * {@code ProblemMappers}); any other exception is a 500 with an error id, never blamed on the caller.
 */
public interface HttpStatusException {
    int status();

    String title();

    String getMessage();
}

package lantern.errors;

/**
 * Our exceptions that blame the request or the situation, not a bug: invalid input, not found, conflict, too large,
 * busy, unavailable. They say what went wrong in the domain's terms and nothing about transports: the app maps each
 * type to its HTTP status ({@code ProblemMappers}) and the CLI prints its message; any other exception is a bug (a
 * 500 with an error id, never blamed on the caller).
 */
public interface DomainException {
    String getMessage();
}

package lantern.subject;

/** A hook name the model does not have (a typo, a layer out of range); the message lists the valid names. */
public final class UnknownHookException extends lantern.errors.InvalidInputException {
    private final String hook;

    public UnknownHookException(String hook, String message) {
        super(message);
        this.hook = hook;
    }

    public String hook() {
        return hook;
    }
}

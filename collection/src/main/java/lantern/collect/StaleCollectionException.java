package lantern.collect;

/**
 * A collection of SAE features made with other SAE weights than those on disk now (the SAE was retrained): its
 * windows describe features that no longer exist, so it must be collected again before it is served. An
 * {@link IllegalStateException}: the REST API answers 409 Conflict.
 */
public final class StaleCollectionException extends lantern.errors.ConflictException {
    public StaleCollectionException(String message) {
        super(message);
    }
}

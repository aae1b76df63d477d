package lantern.collect;

import java.io.IOException;

/** A checkpoint file that cannot be trusted (cut short, damaged, or not a checkpoint at all). */
final class CorruptCheckpointException extends IOException {
    CorruptCheckpointException(String message) {
        super(message);
    }
}

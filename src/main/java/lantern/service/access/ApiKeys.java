package lantern.service.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys, held only as SHA-256 digests and compared in constant time (every key is compared,
 * whatever matched, with {@link MessageDigest#isEqual}). Keys never appear in messages or logs.
 */
public final class ApiKeys {
    /** What a presented key grants. */
    public enum Grant { NONE, READ_ONLY, FULL }

    private record Key(byte[] digest, Grant grant) {
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public static ApiKeys of(Optional<String> full, Optional<String> readOnly, Optional<Path> file) {
        List<Key> keys = new ArrayList<>();
        full.map(String::strip).filter(s -> !s.isEmpty()).ifPresent(k -> keys.add(new Key(digest(k), Grant.FULL)));
        readOnly.map(String::strip).filter(s -> !s.isEmpty()).ifPresent(k -> keys.add(new Key(digest(k), Grant.READ_ONLY)));
        if (file.isPresent()) {
            Path p = file.get();
            List<String> lines;
            try {
                lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read lantern.api-keys-file " + p, e);
            }
            int n = 0;
            for (String line : lines) {
                n++;
                int hash = line.indexOf('#');
                String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (s.isEmpty()) continue;
                String[] parts = s.split("\\s+");
                Grant g;
                if (parts.length == 1) g = Grant.FULL;
                else if (parts.length == 2 && parts[1].equals("read-only")) g = Grant.READ_ONLY;
                else if (parts.length == 2 && parts[1].equals("full")) g = Grant.FULL;
                else throw new IllegalStateException("lantern.api-keys-file " + p + " line " + n
                            + ": expected 'KEY', 'KEY full' or 'KEY read-only'"); // the line itself is not echoed: it holds a key
                keys.add(new Key(digest(parts[0]), g));
            }
        }
        return new ApiKeys(keys);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /** The strongest grant among the keys equal to {@code presented}; NONE for null or no match. */
    public Grant check(String presented) {
        if (presented == null) return Grant.NONE;
        byte[] d = digest(presented);
        Grant best = Grant.NONE;
        for (Key k : keys) { // no early exit: the time taken does not depend on which key matched
            boolean eq = MessageDigest.isEqual(d, k.digest());
            if (eq && k.grant().compareTo(best) > 0) best = k.grant();
        }
        return best;
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

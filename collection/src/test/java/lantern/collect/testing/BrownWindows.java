package lantern.collect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Real Brown sentences for tests, read straight from ./lantern-data/corpora/brown (scripts/fetch-brown.sh):
 * one token per word (lower-cased), each with its base tag family.
 */
public final class BrownWindows {
    public record Word(String token, String tag) {
    }

    private BrownWindows() {
    }

    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("lantern-data/corpora/brown");
            if (Files.isRegularFile(d.resolve("ca01"))) return d;
        }
        throw new IllegalStateException("Brown corpus not found: run scripts/fetch-brown.sh ./lantern-data/corpora");
    }

    /** Consecutive windows of {@code size} words from one Brown file. */
    public static List<List<Word>> windows(String file, int size) {
        List<Word> words = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir().resolve(file))) {
                for (String item : line.trim().split("\\s+")) {
                    int slash = item.lastIndexOf('/');
                    if (slash <= 0) continue;
                    words.add(new Word(item.substring(0, slash).toLowerCase(Locale.ROOT), family(item.substring(slash + 1))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<Word>> out = new ArrayList<>();
        for (int i = 0; i + size <= words.size(); i += size) out.add(words.subList(i, i + size));
        return out;
    }

    /** Minimal base-family mapping for tests: drops fw-, -tl/-hl/-nc suffixes, negation and contractions. */
    static String family(String tag) {
        String t = tag.toLowerCase(Locale.ROOT);
        if (t.startsWith("fw-")) t = t.substring(3);
        int plus = t.indexOf('+');
        if (plus > 0) t = t.substring(0, plus);
        int dash = t.indexOf('-', 1);
        if (dash > 0) t = t.substring(0, dash);
        t = t.replace("*", "");
        return t.toUpperCase(Locale.ROOT);
    }
}

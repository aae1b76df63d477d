package lantern.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Untagged Brown sentences for tests (one per non-blank line of the c[a-r]NN files). */
final class BrownText {
    private static final Pattern SPLIT = Pattern.compile("\\s+");

    private BrownText() {
    }

    static List<Path> files() {
        Path dir = Path.of("lantern-data/corpora/brown");
        assertThat(dir.resolve("ca01")).as("run scripts/fetch-brown.sh first").exists();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("c[a-r]\\d\\d")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sentences of the files whose position modulo {@code every} is (or, if {@code heldOut} false, is not) 0. */
    static List<String> sentences(boolean heldOut, int every, int max) {
        List<String> out = new ArrayList<>();
        List<Path> files = files();
        for (int i = 0; i < files.size() && out.size() < max; i++) {
            if ((i % every == 0) != heldOut) continue;
            try {
                for (String line : Files.readAllLines(files.get(i))) {
                    if (line.isBlank()) continue;
                    StringBuilder sb = new StringBuilder();
                    for (String tok : SPLIT.split(line.strip())) {
                        int slash = tok.lastIndexOf('/');
                        String word = slash > 0 ? tok.substring(0, slash) : tok;
                        if (!sb.isEmpty()) sb.append(' ');
                        sb.append(word.replace("``", "\"").replace("''", "\""));
                    }
                    out.add(sb.toString());
                    if (out.size() >= max) break;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}

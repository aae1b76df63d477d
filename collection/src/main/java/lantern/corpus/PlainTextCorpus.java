package lantern.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of UTF-8 {@code .txt} files, one document each. Paragraphs (blank-line separated) are split into
 * sentences by a simple rule: a {@code .}, {@code !} or {@code ?} (optionally followed by a closing quote or
 * bracket) then whitespace then a capital letter, digit or opening quote, unless the word before is a common
 * abbreviation ("Dr.") or an initial. Words are whitespace-separated;
 * there are no tags.
 */
public final class PlainTextCorpus implements Corpus {
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?][\"')\\]]?)\\s+(?=[\"'(\\[]?[\\p{Lu}\\d])");
    private static final Pattern PARAGRAPH = Pattern.compile("\\n\\s*\\n");

    private static final Set<String> ABBREVIATIONS = Set.of("mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.",
            "sr.", "vs.", "e.g.", "i.e.", "etc.", "no.", "gen.", "gov.", "sen.", "rep.", "rev.", "mt.", "u.s.");

    private final Path dir;
    private final String name;

    public PlainTextCorpus(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("text corpus folder not found: " + dir);
        this.dir = dir;
        this.name = dir.getFileName().toString();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Stream<Document> documents() {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no .txt files in " + dir);
        return files.stream().map(f -> {
            try {
                String id = f.getFileName().toString();
                return new Document(id.substring(0, id.length() - 4), null, sentences(Files.readString(f, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        });
    }

    private static void add(List<Sentence> out, String s) {
        String[] words = s.strip().split("\\s+");
        if (words.length == 1 && words[0].isEmpty()) return;
        out.add(Sentence.untagged(Arrays.asList(words)));
    }

    private static final Pattern CHINESE_SENTENCE_END = Pattern.compile("(?<=[。！？；!?])[」』”’）)]*");

    /**
     * Chinese text: sentences end after 。！？； (closing quotes stay with them) and at paragraph breaks; each character is
     * a word ({@link ChineseText#words}), tagged with its clause structure as form {@code prose}.
     */
    public static List<Sentence> chineseSentences(String text) {
        List<List<String>> sentences = new ArrayList<>();
        for (String para : PARAGRAPH.split(text.replace("\r\n", "\n"))) {
            Matcher m = CHINESE_SENTENCE_END.matcher(para);
            int from = 0;
            while (m.find()) {
                if (m.end() <= from) continue;
                List<String> words = ChineseText.words(para.substring(from, m.end()));
                if (!words.isEmpty()) sentences.add(words);
                from = m.end();
            }
            List<String> rest = ChineseText.words(para.substring(from));
            if (!rest.isEmpty()) sentences.add(rest);
        }
        List<List<String>> tags = ChineseText.structure(sentences, "-", "prose");
        List<Sentence> out = new ArrayList<>();
        for (int s = 0; s < sentences.size(); s++) out.add(new Sentence(sentences.get(s), tags.get(s), tags.get(s)));
        return out;
    }

    /** "Dr. Smith": a title or single initial before the period does not end a sentence. */
    private static boolean endsWithAbbreviation(String text, int end) {
        int start = end;
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) start--;
        String word = text.substring(start, end).toLowerCase(java.util.Locale.ROOT);
        return ABBREVIATIONS.contains(word) || word.matches("\\p{L}\\.");
    }

    /**
     * Splits text into sentences of whitespace-separated words; a mostly Chinese text is cut the Chinese way
     * ({@link #chineseSentences}).
     */
    public static List<Sentence> sentences(String text) {
        if (ChineseText.isMostlyChinese(text)) return chineseSentences(text);
        List<Sentence> out = new ArrayList<>();
        for (String para : PARAGRAPH.split(text.replace("\r\n", "\n"))) {
            String p = para.strip();
            int from = 0;
            Matcher m = SENTENCE_END.matcher(p);
            while (m.find()) {
                if (endsWithAbbreviation(p, m.start())) continue;
                add(out, p.substring(from, m.start()));
                from = m.end();
            }
            add(out, p.substring(from));
        }
        return out;
    }
}

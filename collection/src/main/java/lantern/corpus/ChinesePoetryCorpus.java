package lantern.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterators;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Tang and Song poetry from the npm package {@code chinese-poetry@2.0.1} (MIT), as unpacked by
 * {@code scripts/fetch-chinese-poetry.sh}: three parts, read in turn one poem from each so that any prefix of the corpus
 * holds all three:
 * <ul>
 *   <li>Tang shi: {@code dist/quantangshi/poet.tang.*.json} (全唐诗, traditional characters, ~57,600 poems);</li>
 *   <li>Song shi: {@code dist/quantangshi/poet.song.0.json} to {@code poet.song.9000.json} (the first 10,000 of 全宋诗);</li>
 *   <li>Song ci: {@code dist/songci/ci.song.*.json} (全宋词, simplified characters, ~21,000 ci).</li>
 * </ul>
 * A poem is a document, each of its paragraphs a sentence, each character a word, tagged by {@link ChineseText}
 * (dynasty, form, line, position, line end). Editorial notes in brackets are dropped; poems with missing characters
 * (□) are skipped.
 */
public final class ChinesePoetryCorpus implements Corpus {
    public static final String NAME = "chinese-poetry";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NOTE = Pattern.compile("[（(〔\\[{][^）)〕\\]}]*[）)〕\\]}]");
    private static final Pattern NUMBER = Pattern.compile("\\.(\\d+)\\.json$");
    private static final int SONG_SHI_FILES = 10;

    private final Path dir;

    /** @param dir the unpacked package (holding {@code dist/}) */
    public ChinesePoetryCorpus(Path dir) {
        if (!Files.isDirectory(dir.resolve("dist"))) {
            throw new IllegalArgumentException("chinese-poetry corpus not found in " + dir
                    + " (run scripts/fetch-chinese-poetry.sh to fetch it)");
        }
        this.dir = dir;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The three parts' files, in reading order. */
    public List<List<Path>> parts() {
        List<Path> tang = numbered(dir.resolve("dist/quantangshi"), "poet.tang.");
        List<Path> song = numbered(dir.resolve("dist/quantangshi"), "poet.song.");
        List<Path> ci = numbered(dir.resolve("dist/songci"), "ci.song.");
        if (tang.isEmpty() && song.isEmpty() && ci.isEmpty()) throw new IllegalArgumentException("no poem files under " + dir);
        return List.of(tang, song.subList(0, Math.min(SONG_SHI_FILES, song.size())), ci);
    }

    private static List<Path> numbered(Path folder, String prefix) {
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && NUMBER.matcher(n).find();
            }).sorted(Comparator.comparingInt(ChinesePoetryCorpus::number)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int number(Path p) {
        Matcher m = NUMBER.matcher(p.getFileName().toString());
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    @Override
    public Stream<Document> documents() {
        List<Iterator<Document>> parts = new ArrayList<>();
        List<List<Path>> files = parts();
        parts.add(new PartIterator(files.get(0), "tang", false));
        parts.add(new PartIterator(files.get(1), "song", false));
        parts.add(new PartIterator(files.get(2), "song", true));
        Iterator<Document> turns = new Iterator<>() {
            final Deque<Iterator<Document>> queue = new ArrayDeque<>(parts);

            @Override
            public boolean hasNext() {
                while (!queue.isEmpty() && !queue.peekFirst().hasNext()) queue.pollFirst();
                return !queue.isEmpty();
            }

            @Override
            public Document next() {
                if (!hasNext()) throw new NoSuchElementException();
                Iterator<Document> it = queue.pollFirst();
                Document d = it.next();
                queue.addLast(it);
                return d;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(turns, 0), false);
    }

    /** The poems of one part's files, one file in memory at a time. */
    private static final class PartIterator implements Iterator<Document> {
        private final Iterator<Path> files;
        private final String dynasty;
        private final boolean ci;
        private final Deque<Document> pending = new ArrayDeque<>();

        PartIterator(List<Path> files, String dynasty, boolean ci) {
            this.files = files.iterator();
            this.dynasty = dynasty;
            this.ci = ci;
        }

        @Override
        public boolean hasNext() {
            while (pending.isEmpty() && files.hasNext()) pending.addAll(readFile(files.next(), dynasty, ci));
            return !pending.isEmpty();
        }

        @Override
        public Document next() {
            if (!hasNext()) throw new NoSuchElementException();
            return pending.pollFirst();
        }
    }

    /** The poems of one JSON file (an array of {@code {author, title|rhythmic, paragraphs}}). */
    public static List<Document> readFile(Path file, String dynasty, boolean ci) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (root == null || !root.isArray()) throw new IllegalArgumentException(file + ": expected a JSON array of poems");
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode p = root.get(i);
            List<String> paragraphs = new ArrayList<>();
            p.path("paragraphs").forEach(n -> paragraphs.add(n.asText()));
            String title = p.path(ci ? "rhythmic" : "title").asText("");
            String id = stem + "#" + i + " " + p.path("author").asText("") + "《" + title + "》";
            Document d = poem(id, dynasty, ci, paragraphs);
            if (d != null) out.add(d);
        }
        return out;
    }

    /**
     * One poem as a document: paragraphs become sentences of characters tagged with their structure; the form is
     * {@code ci}, or for shi {@code shi5}/{@code shi7}/{@code shi4} when every line has that many characters, else
     * {@code shi}. Null for a poem with missing characters (□) or no characters at all.
     */
    public static Document poem(String id, String dynasty, boolean ci, List<String> paragraphs) {
        List<List<String>> sentences = new ArrayList<>();
        for (String para : paragraphs) {
            if (para.indexOf('□') >= 0) return null;
            List<String> words = ChineseText.words(NOTE.matcher(para).replaceAll(""));
            if (!words.isEmpty()) sentences.add(words);
        }
        if (sentences.isEmpty()) return null;
        String form = ci ? "ci" : shiForm(ChineseText.lineLengths(sentences));
        List<List<String>> tags = ChineseText.structure(sentences, dynasty, form);
        List<Sentence> out = new ArrayList<>();
        for (int s = 0; s < sentences.size(); s++) out.add(new Sentence(sentences.get(s), tags.get(s), tags.get(s)));  // the tag is its own family
        return new Document(id, dynasty + "/" + form, out);
    }

    static String shiForm(List<Integer> lineLengths) {
        if (lineLengths.isEmpty()) return "shi";
        int first = lineLengths.get(0);
        boolean same = lineLengths.stream().allMatch(n -> n == first);
        return same && (first == 4 || first == 5 || first == 7) ? "shi" + first : "shi";
    }
}

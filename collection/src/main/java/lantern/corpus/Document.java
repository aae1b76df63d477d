package lantern.corpus;

import java.util.List;

/** One document of a corpus; {@code genre} is null where the corpus has none. */
public record Document(String id, String genre, List<Sentence> sentences) {
    public Document {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a document needs an id");
        sentences = List.copyOf(sentences);
    }

    public int words() {
        return sentences.stream().mapToInt(Sentence::size).sum();
    }
}

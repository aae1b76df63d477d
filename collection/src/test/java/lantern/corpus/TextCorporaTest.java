package lantern.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextCorporaTest {
    @Test
    void splitsParagraphsIntoSentences() {
        List<Sentence> s = PlainTextCorpus.sentences("Dr. Smith went home. \"Why?\" she asked! It was 5 p.m.\n\nNew paragraph here");
        assertThat(s).extracting(Sentence::toString).containsExactly(
                "Dr. Smith went home.", "\"Why?\" she asked!", "It was 5 p.m.", "New paragraph here");
        assertThat(s.get(0).isTagged()).isFalse();
    }

    @Test
    void plainTextFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.txt"), "Second file.");
        Files.writeString(dir.resolve("a.txt"), "One. Two.");
        Files.writeString(dir.resolve("skip.md"), "not me");
        List<Document> docs = new PlainTextCorpus(dir).documents().toList();
        assertThat(docs).extracting(Document::id).containsExactly("a", "b");
        assertThat(docs.get(0).sentences()).hasSize(2);
    }

    @Test
    void jsonl(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("web.jsonl");
        Files.writeString(f, "{\"text\": \"Hello there. General Kenobi.\"}\n\n{\"id\": \"x\", \"text\": \"Bye\", \"extra\": 1}\n");
        JsonlCorpus c = new JsonlCorpus(f);
        assertThat(c.name()).isEqualTo("web");
        try (var docs = c.documents()) {
            List<Document> list = docs.toList();
            assertThat(list).extracting(Document::id).containsExactly("line-1", "x");
            assertThat(list.get(0).sentences()).hasSize(2);
        }
    }

    @Test
    void jsonlWithoutTextIsAClearError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"text\": \"ok\"}\n{\"body\": \"no\"}\n");
        assertThatThrownBy(() -> new JsonlCorpus(f).documents().toList())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }

    @Test
    void opensByName(@TempDir Path dir) {
        assertThat(Corpora.open("brown", Path.of("lantern-data"))).isInstanceOf(BrownCorpus.class);
        assertThat(Corpora.open(dir.toString(), Path.of("lantern-data"))).isInstanceOf(PlainTextCorpus.class);
        assertThatThrownBy(() -> Corpora.open("nope", Path.of("lantern-data"))).isInstanceOf(IllegalArgumentException.class);
    }
}

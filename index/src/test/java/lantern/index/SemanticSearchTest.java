package lantern.index;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Search with real MiniLM sentence embeddings: the vector side finds explanations worded differently from the query. */
class SemanticSearchTest {
    static final List<String> EXPLANATIONS = List.of(
            "nouns in the plural form",
            "proper nouns naming cities and countries",
            "plural pronouns such as they and them",
            "the definite article at the start of a noun phrase",
            "verbs in the past tense",
            "numbers written as digits",
            "closing parentheses and brackets",
            "words related to food and cooking",
            "the word 'not' and other negations",
            "adjectives describing colors",
            "tokens inside email addresses and urls",
            "names of months and days of the week",
            "words about sports and games",
            "the first token after a period",
            "modal verbs like can, could and should");

    @TempDir
    static Path dir;
    static FeatureIndex index;
    static OnnxMiniLm embedder;

    @BeforeAll
    static void build() {
        embedder = OnnxMiniLm.shared();
        List<float[]> vectors = embedder.embedAll(EXPLANATIONS);
        List<IndexedExplanation> docs = new ArrayList<>();
        for (int i = 0; i < EXPLANATIONS.size(); i++) {
            docs.add(IndexedExplanation.of("minilm-l6/" + (i % 6) + "/mlp/" + (100 + i), EXPLANATIONS.get(i), "llm",
                    0.5, null, null, List.of(), vectors.get(i), 1L));
        }
        index = FeatureIndex.open(dir);
        index.addAll(docs);
    }

    @Test
    void pluralNounsFindsNounsInThePluralForm() {
        SearchResult r = index.search(SearchQuery.text("plural nouns", 5), embedder.embed("plural nouns"));
        assertThat(r.hits().getFirst().text()).isEqualTo("nouns in the plural form");
        assertThat(r.hits().getFirst().match()).isEqualTo("both");
    }

    @Test
    void theVectorSideFindsParaphrasesThatShareNoWord() {
        // no word of the query (after English stemming) occurs in the target explanation
        String query = "calendar dates";
        assertThat(index.search(SearchQuery.text(query, 5), null).hits()).isEmpty();
        SearchResult r = index.search(SearchQuery.text(query, 3), embedder.embed(query));
        assertThat(r.hits()).extracting(SearchHit::text).first().isEqualTo("names of months and days of the week");

        String food = "meals and recipes";
        SearchResult f = index.search(SearchQuery.text(food, 3), embedder.embed(food));
        assertThat(f.hits().getFirst().text()).isEqualTo("words related to food and cooking");
        assertThat(f.hits().getFirst().match()).isEqualTo("vector");
    }

    @Test
    void unrelatedQueriesDoNotMatchEverythingByVector() {
        SearchResult r = index.search(SearchQuery.text("quantum chromodynamics", 10), embedder.embed("quantum chromodynamics"));
        assertThat(r.total()).isLessThan(EXPLANATIONS.size() / 2);
    }
}

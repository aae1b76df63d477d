package lantern.index;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search puts the true detector first: a query that asks for a word class ranks the labels of that class first, the
 * plain class before a narrower one, the better lower bound first; labels that only share words come after.
 */
class ClassSearchTest {
    record Doc(String id, String text, double score, double low) {
    }

    static final List<Doc> DOCS = List.of(
            new Doc("m/3/mlp/536", "plural nouns (Brown tag NNS), such as 'years', 'men'", 0.11, -0.01),
            new Doc("m/1/mlp/10", "plural nouns (Brown tag NNS), such as 'children', 'states'", 0.80, 0.71),
            new Doc("m/1/mlp/11", "plural nouns (Brown tag NNS) right after 'the', such as 'men'", 0.85, 0.78),
            new Doc("m/1/mlp/12", "'$', 'the' and other tokens right before plural nouns", 0.9, 0.85),
            new Doc("m/0/mlp/1", "commas (Brown tag ',')", 0.66, 0.55),
            new Doc("m/0/mlp/2", "tokens right after commas", 0.95, 0.90),
            new Doc("m/0/mlp/3", "the tokens ',', 'and'", 0.90, 0.85),
            new Doc("m/0/mlp/4", "sentence-final punctuation (. ; ? !) (Brown tag '.'), such as '.', '?'", 0.70, 0.62),
            new Doc("m/0/mlp/5", "punctuation at the end of the tokens 'end', 'sentence'", 0.92, 0.88),
            new Doc("m/0/mlp/6", "articles (Brown tag AT), such as 'the', 'a'", 0.60, 0.50),
            new Doc("m/0/mlp/7", "the tokens 'the', 'a'", 0.93, 0.90),
            new Doc("m/0/mlp/8", "such as 'the' and 'a': determiners (Brown tag DT), such as 'this'", 0.91, 0.87));

    @TempDir
    static Path dir;
    static final List<IndexedExplanation> docs = new ArrayList<>();
    static OnnxMiniLm embedder;

    @BeforeAll
    static void build() {
        embedder = OnnxMiniLm.shared();
        List<float[]> vectors = embedder.embedAll(DOCS.stream().map(Doc::text).toList());
        for (int i = 0; i < DOCS.size(); i++) {
            Doc d = DOCS.get(i);
            docs.add(IndexedExplanation.of(d.id(), d.text(), "statistical", d.score(), null, null, List.of(), vectors.get(i), 1L)
                    .withSimulationLow(d.low()));
        }
    }

    private static List<String> top(FeatureIndex index, String query, FeatureIndex.Ranking ranking) {
        return index.search(SearchQuery.text(query, 5), embedder.embed(query), ranking).hits().stream().map(SearchHit::featureId).toList();
    }

    @Test
    void theTrueDetectorComesFirst() {
        try (FeatureIndex index = FeatureIndex.open(dir.resolve("a"))) {
            index.addAll(docs);
            // a class label that simulates at 0.11 never outranks one at 0.8 for the same class; the plain class
            // comes before the narrower conjunction, and a label that only mentions the class comes after both
            List<String> plural = top(index, "plural nouns", FeatureIndex.Ranking.CLASS_AWARE);
            assertThat(plural.subList(0, 3)).containsExactly("m/1/mlp/10", "m/1/mlp/11", "m/3/mlp/536");
            assertThat(top(index, "commas", FeatureIndex.Ranking.CLASS_AWARE).get(0)).isEqualTo("m/0/mlp/1");
            assertThat(top(index, "end of sentence punctuation", FeatureIndex.Ranking.CLASS_AWARE).get(0)).isEqualTo("m/0/mlp/4");
            assertThat(top(index, "articles such as the and a", FeatureIndex.Ranking.CLASS_AWARE).get(0)).isEqualTo("m/0/mlp/6");
            // the default search is the class-aware one
            assertThat(index.search(SearchQuery.text("commas", 5), embedder.embed("commas")).hits().get(0).featureId()).isEqualTo("m/0/mlp/1");
        }
    }

    @Test
    void queriesAndLabelsNameTheirClass() {
        assertThat(ClassQuery.tagOf("commas")).isEqualTo(",");
        assertThat(ClassQuery.tagOf("end of sentence punctuation")).isEqualTo(".");
        assertThat(ClassQuery.tagOf("articles such as the and a")).isEqualTo("AT");
        assertThat(ClassQuery.tagOf("Plural nouns")).isEqualTo("NNS");
        assertThat(ClassQuery.tagOf("zebra stripes")).isNull();
        assertThat(ClassQuery.labelClass("commas (Brown tag ',')")).isEqualTo(new ClassQuery.LabelClass(",", 1.0));
        assertThat(ClassQuery.labelClass("plural nouns (Brown tag NNS), such as 'men'")).isEqualTo(new ClassQuery.LabelClass("NNS", 1.0));
        assertThat(ClassQuery.labelClass("singular nouns (Brown tag NN), strongest on 'state' (other singular nouns at about 20%)").specificity()).isEqualTo(0.85);
        assertThat(ClassQuery.labelClass("plural nouns (Brown tag NNS) right after 'the'").specificity()).isEqualTo(0.75);
        assertThat(ClassQuery.labelClass("the first word piece of proper nouns (Brown tag NP), such as 'j' in 'j.'").specificity()).isEqualTo(0.75);
        assertThat(ClassQuery.labelClass("the tokens 'the', 'a'")).isNull();
        // the score: quality decides between two labels of the class, the class decides before relevance
        assertThat(ClassRanking.score(0.2, 1, 0.71)).isGreaterThan(ClassRanking.score(1.0, 1, 0));
        assertThat(ClassRanking.score(0.1, 0.5, 0.5)).isGreaterThan(ClassRanking.score(1.0, 0, 1));
    }
}

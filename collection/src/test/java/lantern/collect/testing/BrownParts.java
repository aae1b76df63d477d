package lantern.collect.testing;

import lantern.corpus.BrownCorpus;
import lantern.corpus.Corpus;
import lantern.corpus.Document;

import java.util.stream.Stream;

/** A corpus of a few named Brown files ("ca01", "cr09", ...), read from ./lantern-data/corpora/brown. */
public final class BrownParts {
    private BrownParts() {
    }

    public static Corpus files(String... names) {
        return new Corpus() {
            public String name() { return "brown-part"; }
            public Stream<Document> documents() { return Stream.of(names).map(n -> BrownCorpus.read(BrownWindows.dir().resolve(n))); }
        };
    }
}

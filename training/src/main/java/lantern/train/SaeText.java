package lantern.train;

import lantern.corpus.BrownCorpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Brown sentences for SAE training and evaluation, split by document as every trainer here splits Brown
 * ({@link BrownSplit}: of the 500 files in name order, every 20th from the 11th is held out), so held-out metrics are
 * on text the SAE never saw, and the same text the decoder, transcoders and verbalizers never saw. Training documents are shuffled (seeded) so a
 * token budget smaller than the corpus still spans every genre.
 */
public record SaeText(List<String> train, List<String> heldOut) {
    public static SaeText brown(Path dataDir, long seed) {
        BrownCorpus corpus = new BrownCorpus(dataDir.resolve("corpora/brown"));
        List<Document> docs = corpus.documents().toList();
        List<Document> train = new ArrayList<>();
        List<Document> held = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) (BrownSplit.heldOut(i) ? held : train).add(docs.get(i));
        Collections.shuffle(train, new Random(seed));
        Collections.shuffle(held, new Random(seed + 1));
        return new SaeText(sentences(train), sentences(held));
    }

    private static List<String> sentences(List<Document> docs) {
        List<String> out = new ArrayList<>();
        for (Document d : docs) for (Sentence s : d.sentences()) out.add(s.text().text());
        return out;
    }
}

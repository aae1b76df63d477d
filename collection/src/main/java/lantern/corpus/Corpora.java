package lantern.corpus;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a corpus by name ("brown", "chinese-poetry") or path (a folder of .txt files, or a .jsonl file). */
public final class Corpora {
    private Corpora() {
    }

    public static Corpus open(String nameOrPath, Path dataDir) {
        if (nameOrPath == null || nameOrPath.isBlank()) throw new IllegalArgumentException("corpus is missing");
        if (nameOrPath.equals("brown")) return new BrownCorpus(dataDir.resolve("corpora").resolve("brown"));
        if (nameOrPath.equals(ChinesePoetryCorpus.NAME)) {
            return new ChinesePoetryCorpus(dataDir.resolve("corpora").resolve(ChinesePoetryCorpus.NAME));
        }
        Path p = Path.of(nameOrPath);
        if (Files.isRegularFile(p) && p.toString().endsWith(".jsonl")) return new JsonlCorpus(p);
        if (Files.isDirectory(p)) return new PlainTextCorpus(p);
        throw new IllegalArgumentException("unknown corpus '" + nameOrPath
                + "': use 'brown', 'chinese-poetry', a folder of .txt files or a .jsonl file");
    }
}

package lantern.bench;

import lantern.cli.DataOption;
import lantern.index.ChineseAnalysisBench.Ask;
import lantern.index.ChineseAnalysisBench.Label;
import lantern.index.ChineseAnalysisBench.Result;
import lantern.index.ChineseCrossLanguageBench;
import lantern.index.FeatureIndex;
import lantern.core.LoadedModels;
import lantern.subject.SentenceEmbedder;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code lantern bench chinese-cross}: search across languages over the stored labels of a Chinese model. Each
 * bilingual label is cut in two; English queries run on an index of the Chinese halves only, Chinese queries on an
 * index of the English halves only, so nothing but the vectors (MiniLM's and bge-small-zh's, fused as search fuses
 * them) can bridge the languages. A hit is relevant when its rule requires what the query asks for: a place or form
 * for the structure queries, a character in the rule's character set for the English word queries ("mountain" → a
 * label whose set holds 山). Writes nothing into the data folder (the index is built in a temporary folder).
 */
@CommandLine.Command(name = "chinese-cross", mixinStandardHelpOptions = true,
        description = "Measure search across languages (English queries on Chinese labels, Chinese queries on English labels): P@5 and MRR.")
public class BenchChineseCrossCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "bge-small-zh", description = "Model whose explanations to search (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    private static final Set<String> LINE_END = Set.of("ZH:END", "ZH:EVEN_END");

    /** English queries for places and forms, asked of the Chinese halves. */
    static final List<Ask> ENGLISH_STRUCTURE = List.of(
            new Ask("rhyme position", LINE_END),
            new Ask("the last character of a line", LINE_END),
            new Ask("the first character of a line", Set.of("ZH:START")),
            new Ask("punctuation marks", Set.of("ZH:PUNCT")),
            new Ask("five-character regulated poems", Set.of("ZH:FORM=SHI5")),
            new Ask("seven-character poems", Set.of("ZH:FORM=SHI7")),
            new Ask("Song dynasty lyrics", Set.of("ZH:FORM=CI")),
            new Ask("Tang dynasty poems", Set.of("ZH:DYN=TANG")),
            new Ask("the first line of a poem", Set.of("ZH:L1")),
            new Ask("the second character of a line", Set.of("ZH:P2")));

    /** English words for characters (the character a label's set must hold), asked of the Chinese halves. */
    static final List<String[]> WORDS = List.of(
            new String[]{"person", "人"}, new String[]{"year", "年"}, new String[]{"time", "时"}, new String[]{"matter", "事"},
            new String[]{"life", "生"}, new String[]{"farewell", "别"}, new String[]{"middle", "中"}, new String[]{"ten", "十"},
            new String[]{"intention", "意"}, new String[]{"water", "水"}, new String[]{"big", "大"}, new String[]{"nothing", "无"},
            new String[]{"come", "来"}, new String[]{"three", "三"}, new String[]{"open", "开"}, new String[]{"two", "二"},
            new String[]{"south", "南"}, new String[]{"feelings", "情"}, new String[]{"bright", "明"}, new String[]{"ten thousand", "万"},
            new String[]{"near", "近"}, new String[]{"sky", "天"}, new String[]{"love", "爱"}, new String[]{"city wall", "城"},
            new String[]{"heart", "心"}, new String[]{"sun", "日"}, new String[]{"moon", "月"}, new String[]{"gold", "金"},
            new String[]{"mountain", "山"}, new String[]{"high", "高"}, new String[]{"west", "西"}, new String[]{"old", "老"});

    /** Chinese queries for places and forms, asked of the English halves. */
    static final List<Ask> CHINESE_STRUCTURE = List.of(
            new Ask("押韻位置", LINE_END),
            new Ask("句末字", LINE_END),
            new Ask("句首字", Set.of("ZH:START")),
            new Ask("標點符號", Set.of("ZH:PUNCT")),
            new Ask("五言詩", Set.of("ZH:FORM=SHI5")),
            new Ask("七言詩", Set.of("ZH:FORM=SHI7")),
            new Ask("宋詞", Set.of("ZH:FORM=CI")),
            new Ask("唐詩", Set.of("ZH:DYN=TANG")),
            new Ask("第一句", Set.of("ZH:L1")),
            new Ask("第二個字", Set.of("ZH:P2")));

    static List<Ask> englishWords() {
        return WORDS.stream().map(w -> new Ask(w[0], Set.of(ChineseCrossLanguageBench.character(w[1])))).toList();
    }

    @Override
    public Integer call() throws Exception {
        List<BenchChineseSearchCommand.StoredLabel> stored = BenchChineseSearchCommand.labels(data.path(), model);
        List<Label> chinese = new ArrayList<>(), english = new ArrayList<>();
        for (var l : stored) {
            chinese.add(ChineseCrossLanguageBench.withCharacters(ChineseCrossLanguageBench.chineseHalf(l.text()), l.tags(), l.characters()));
            english.add(ChineseCrossLanguageBench.withCharacters(ChineseCrossLanguageBench.englishHalf(l.text()), l.tags(), l.characters()));
        }
        Path work = Files.createTempDirectory("lantern-bench-cross");
        try (LoadedModels models = new LoadedModels(data.path())) {
            SentenceEmbedder minilm = models.embedder("minilm-l6"), bge = models.embedder("bge-small-zh");
            System.out.printf(Locale.ROOT, "bench chinese-cross: %d stored labels of %s, each cut into its Chinese and its English half%n",
                    stored.size(), model);
            System.out.println("| queries | asked of | n | text P@5 | text MRR | vectors P@5 | vectors MRR | fused P@5 | fused MRR | fused misses |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            report("English: places and forms", "Chinese halves", ENGLISH_STRUCTURE, chinese, minilm, bge, work);
            report("English: words for characters", "Chinese halves", englishWords(), chinese, minilm, bge, work);
            report("Chinese: places and forms", "English halves", CHINESE_STRUCTURE, english, minilm, bge, work);
            report("(same language, for scale) Chinese: places and forms", "Chinese halves", CHINESE_STRUCTURE, chinese, minilm, bge, work);
            report("(same language, for scale) English: places and forms", "English halves", ENGLISH_STRUCTURE, english, minilm, bge, work);
        } finally {
            Files.deleteIfExists(work);
        }
        return 0;
    }

    private static void report(String what, String on, List<Ask> asks, List<Label> labels, SentenceEmbedder minilm,
                               SentenceEmbedder bge, Path work) {
        List<Ask> answerable = asks.stream().filter(a -> ChineseCrossLanguageBench.relevantIn(labels, a) > 0).toList();
        if (answerable.size() < asks.size()) {
            System.err.println("  left out (no relevant label in the pool): " + asks.stream().filter(a -> !answerable.contains(a)).map(Ask::query).toList());
        }
        Map<FeatureIndex.Side, Result> r = ChineseCrossLanguageBench.run(labels, answerable, minilm::embed, bge::embed, work);
        Result t = r.get(FeatureIndex.Side.TEXT), v = r.get(FeatureIndex.Side.VECTOR), f = r.get(FeatureIndex.Side.BOTH);
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n", what, on, answerable.size(),
                t.precisionAt5(), t.mrr(), v.precisionAt5(), v.mrr(), f.precisionAt5(), f.mrr(), f.misses());
    }
}

package lantern.service.cli;

import lantern.cli.DataOption;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;
import lantern.api.Manifest;
import lantern.api.vocab.TokenLogit;
import lantern.api.vocab.VocabEffect;
import lantern.core.FeatureLookup;
import lantern.core.ModelSource;
import lantern.core.Vocabulary;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "show", mixinStandardHelpOptions = true,
        description = "Prints a collected neuron's statistics and top windows, activating tokens highlighted.")
public class ShowCommand implements Callable<Integer> {
    @CommandLine.Parameters(index = "0", description = "Feature id, e.g. minilm-l6/3/mlp/17.")
    String feature;

    @CommandLine.Option(names = "--name", description = "Collection name (default: the newest holding the layer).")
    String name;

    @CommandLine.Option(names = "--windows", defaultValue = "10", description = "Top windows to print (default: ${DEFAULT-VALUE}).")
    int windows;

    @CommandLine.Option(names = "--random", description = "Also print the random windows.")
    boolean random;

    @CommandLine.Option(names = "--color", defaultValue = "auto", description = "auto, always or never.")
    String color;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() {
        FeatureId id = FeatureId.parse(feature);
        FeatureLookup.Found found = new FeatureLookup(data.path()).find(id, name);
        boolean ansi = switch (color) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.console() != null && System.getenv("NO_COLOR") == null;
            default -> throw new IllegalArgumentException("--color must be auto, always or never: " + color);
        };
        print(System.out, found.records(), found.collection(), windows, random, ansi);
        new Vocabulary(ModelSource.loading(data.path(), null), data.path()).of(id, 10).ifPresent(e -> printVocab(System.out, e));
        return 0;
    }

    /** The output side: tokens the feature's output direction promotes and suppresses through the unembedding. */
    static void printVocab(PrintStream out, VocabEffect e) {
        out.println();
        out.println("promotes (output direction x final norm x W_U):");
        out.println("  " + vocabLine(e.promoted()));
        out.println("suppresses:");
        out.println("  " + vocabLine(e.suppressed()));
    }

    private static String vocabLine(List<TokenLogit> tokens) {
        StringBuilder b = new StringBuilder();
        for (var t : tokens) {
            if (!b.isEmpty()) b.append("  ");
            b.append(String.format("'%s' %+.3f", t.token().replace("\n", "\\n"), t.logit()));
        }
        return b.toString();
    }

    static void print(PrintStream out, FeatureRecords rec, Manifest m, int windows, boolean random, boolean ansi) {
        FeatureStats s = rec.stats();
        out.printf("%s  (collection %s: %s, %,d tokens)%n", rec.id(), m.name(), m.corpus(), s.tokens());
        out.printf("max %.3f  mean %.4f  fraction > 0: %.3f%n", s.max(), s.mean(), s.fractionNonZero());
        StringBuilder q = new StringBuilder("quantiles:");
        for (int i = 0; i < s.quantiles().length; i++) q.append(String.format("  p%s %.3f", trim(s.quantileLevels()[i] * 100), s.quantiles()[i]));
        out.println(q);
        out.println();
        out.println("top windows:");
        List<ActivationRecord> top = rec.top();
        for (int i = 0; i < Math.min(windows, top.size()); i++) {
            out.printf("%3d  %7.3f  %s%n", i + 1, top.get(i).max(), render(top.get(i), s.max(), ansi));
        }
        if (random) {
            out.println();
            out.println("random windows:");
            for (ActivationRecord r : rec.random()) out.printf("     %7.3f  %s%n", r.max(), render(r, s.max(), ansi));
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * Joins word pieces into text ("##" pieces attach to the previous one) and marks activation on the 0..10 scale
     * of the prompts, {@code floor(10 * max(a,0) / max)}: ANSI background shades for a terminal, {@code [[token]]}
     * around tokens at 3 or more otherwise.
     */
    static String render(ActivationRecord r, float featureMax, boolean ansi) {
        StringBuilder sb = new StringBuilder();
        boolean ownSpaces = lantern.explainer.explain.WindowText.carriesSpaces(r);  // decoder tokens: " the"
        for (int i = 0; i < r.size(); i++) {
            String tok = r.tokens().get(i);
            if (ownSpaces) {
                String body = tok.stripLeading();
                if (i > 0 || sb.length() > 0) sb.append(tok, 0, tok.length() - body.length());
                tok = body;
            } else {
                boolean cont = tok.startsWith("##");
                if (cont) tok = tok.substring(2);
                else if (i > 0 && !lantern.explainer.explain.WindowText.joinsWithoutSpace(r.tokens().get(i - 1), tok)) sb.append(' ');
            }
            int level = featureMax > 0 ? (int) Math.floor(10 * Math.max(r.activations()[i], 0) / featureMax) : 0;
            level = Math.min(level, 10);
            if (ansi) {
                if (level > 0) sb.append("\u001b[48;5;").append(SHADES[level]).append('m').append(tok).append("\u001b[0m");
                else sb.append(tok);
            } else {
                sb.append(level >= 3 ? "[[" + tok + "]]" : tok);
            }
        }
        return sb.toString();
    }

    /** xterm-256 backgrounds from faint to strong (index = activation level 0..10). */
    private static final int[] SHADES = {0, 22, 22, 28, 28, 34, 34, 40, 40, 46, 46};
}

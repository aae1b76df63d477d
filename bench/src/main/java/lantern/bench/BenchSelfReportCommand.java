package lantern.bench;

import lantern.cli.DecoderCli;
import lantern.cli.DataOption;
import lantern.core.LayerSpec;
import lantern.core.Models;
import lantern.eval.selfreport.SelfReportBench;
import lantern.eval.selfreport.SelfReportBench.Target;
import lantern.train.VerbalizerData;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.Verbalizer;
import lantern.subject.selfreport.Verbalizers;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "selfreport", mixinStandardHelpOptions = true,
        description = "Score every self-report of a model's states by round trip on held-out Brown: per layer, the "
                + "trained verbalizer (lantern train verbalizer), and for decoders the identity Patchscope and the "
                + "logit lens; FVE, mean cosine, token F1.")
public class BenchSelfReportCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6")
    String model;
    @CommandLine.Option(names = "--layers", description = "Layers, e.g. 0-3 (default: all).")
    String layers;
    @CommandLine.Option(names = "--n", defaultValue = "64", description = "Held-out examples per layer (default: ${DEFAULT-VALUE}).")
    int n;
    @CommandLine.Option(names = "--max-tokens", description = "Window / sentence length in tokens (default: the verbalizer's, else 12 / 32).")
    Integer maxTokens;
    @CommandLine.Option(names = "--samples", defaultValue = "3", description = "Verbalized examples to print per layer.")
    int samples;
    @CommandLine.Option(names = "--seed", defaultValue = "1")
    long seed;
    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Override
    public Integer call() throws Exception {
        List<Verbalizer> open = new ArrayList<>();
        try (HookedModel subject = Models.hooked(model, data.path())) {
            boolean decoder = subject.isDecoder();
            String id = subject.info().id();
            List<Target> targets = new ArrayList<>();
            for (int l : LayerSpec.parse(layers, subject.info().layers())) {
                targets.add(new Target(HookNames.residPost(l), Pool.defaultFor(decoder)));
            }
            if (!decoder && layers == null) targets.add(new Target(HookNames.LN_FINAL, Pool.EMBEDDING));
            Map<Target, Verbalizer> verbalizers = new HashMap<>();
            for (Target t : targets) {
                Verbalizers.find(data.path(), id, t.hook(), t.pool(), decoder).ifPresent(name -> {
                    Verbalizer v = Verbalizer.load(name, Path.of(new DecoderRegistry(data.path()).get(name).path()));
                    open.add(v);
                    verbalizers.put(t, v);
                });
            }
            int max = maxTokens != null ? maxTokens : verbalizers.values().stream().findFirst()
                    .map(v -> v.spec().maxTokens()).orElse(decoder ? 12 : 32);
            System.err.printf("%s: %d targets, %d with a verbalizer; %d held-out examples each, up to %d tokens%n",
                    id, targets.size(), verbalizers.size(), n, max);
            java.util.function.Function<Target, VerbalizerData> dataFor;
            if (decoder) {
                var streams = VerbalizerData.Streams.load(subject.tokenizer(), data.path(), 0);
                dataFor = t -> VerbalizerData.decoderWindows(subject, t.hook(), streams, max);
            } else {
                Verbalizer any = verbalizers.values().stream().findFirst().orElse(null);
                DecoderModel tokSource = any != null ? null : DecoderModels.load("brown-llama", data.path());
                var tok = any != null ? any.decoder().tokenizer() : tokSource.tokenizer();
                var sentences = VerbalizerData.Sentences.load(tok, data.path(), 0, max);
                dataFor = t -> VerbalizerData.sentences(subject, t.hook(), t.pool(), tok, sentences);
            }
            System.out.println("| hook | pool | method | n | FVE | mean cosine | token F1 | seconds |");
            System.out.println("|---|---|---|---:|---:|---:|---:|---:|");
            var r = SelfReportBench.run(subject, targets, verbalizers::get, dataFor, n, seed, samples,
                    row -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %.3f | %.3f | %.3f | %.1f |%n",
                            row.hook(), row.pool(), row.method(), row.n(), row.fve(), row.cosine(), row.tokenF1(),
                            row.seconds()));
            System.out.println();
            for (var s : r.samples()) {
                System.out.printf(Locale.ROOT, "%s | true: %s | verbalized: %s | cosine %.3f%n", s.hook(),
                        DecoderCli.oneLine(s.trueText()), DecoderCli.oneLine(s.verbalized()), s.cosine());
            }
            return 0;
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            System.err.println("lantern bench selfreport: " + e.getMessage());
            return 2;
        } finally {
            open.forEach(Verbalizer::close);
        }
    }
}

package lantern.service.cli;

import lantern.service.DecoderModelsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static lantern.service.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** collect, show and explain from the terminal on a GPT-2 layout, a Llama layout and a llama2.c checkpoint. */
class DecoderCliTest {
    @TempDir
    static Path dir;
    static String data;

    @BeforeAll
    static void models() throws Exception {
        Files.createDirectories(dir.resolve("corpora"));
        Files.createSymbolicLink(dir.resolve("corpora/brown"), Path.of("lantern-data/corpora/brown").toAbsolutePath());
        DecoderModelsFixture.register(dir);
        data = dir.toString();
    }

    @Test
    void collectShowAndExplainAGpt2Neuron() throws Exception {
        String collected = run(new CollectCommand(), "--model", "tiny-gpt2", "--layers", "1", "--max-tokens", "800",
                "--checkpoint-seconds", "0", "--data", data);
        assertThat(collected).contains("collected 32 neurons over");
        String shown = run(new ShowCommand(), "tiny-gpt2/1/mlp/5", "--color", "never", "--data", data);
        assertThat(shown).contains("tiny-gpt2/1/mlp/5").contains("top windows:")
                .contains("promotes (output direction x final norm x W_U):");
        String promotes = shown.substring(shown.indexOf("promotes ("));
        assertThat(promotes.lines().skip(1).findFirst().orElseThrow()).startsWith("  ' the' +");
        // sequences start with GPT-2's BOS, and every window reads as the Brown text it was cut from
        var collection = lantern.collect.StoredCollection.open(dir, "tiny-gpt2", "brown");
        assertThat(collection.manifest().model()).isEqualTo("tiny-gpt2");
        var stream = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("activations/tiny-gpt2/brown/stream.json").toFile());
        assertThat(stream.get("prefix").toString()).isEqualTo("[50256]");
        String brown = brownText(2000);
        var records = collection.records(1, 5);
        for (var w : java.util.stream.Stream.concat(records.top().stream(), records.random().stream()).toList()) {
            String text = lantern.explainer.explain.WindowText.of(w);
            assertThat(brown).as("window %s", w.tokens()).contains(text);
        }
        String explained = run(new ExplainCommand(), "tiny-gpt2/1/mlp/5", "--no-embedding", "--data", data);
        assertThat(explained).contains("tiny-gpt2/1/mlp/5  [statistical]")
                .containsPattern("causal +-?[01]\\.\\d{3} \\(zero-ablate tiny-gpt2/1/mlp/5: next-token KL [0-9.e+-]+ on \\d+ top");
        // the neuron writes the unembedding of ' the': amplified, ' the' gains more than under any random unit, and
        // the label reads both sides
        assertThat(explained).containsPattern("output +[01]\\.\\d{3} \\(amplified by [0-9.e+-]+ on \\d+ random windows")
                .contains("promotes ' the'");
        assertThat(explained.lines().skip(1).findFirst().orElseThrow()).endsWith("; promotes ' the'");
        String json = run(new ExplainCommand(), "tiny-gpt2/1/mlp/5", "--no-embedding", "--no-causal", "--json", "--data", data);
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.substring(json.indexOf('{')));
        assertThat(node.at("/output/promotes/0").asText()).isEqualTo(" the");
        assertThat(node.at("/output/rank").asDouble()).isEqualTo(1.0);
        assertThat(node.at("/firesOn").asText()).isEqualTo(node.at("/text").asText().replace("; promotes ' the'", ""));
    }

    @Test
    void saeFeaturesOnADecoderHookAreCollectedShownAndReadThroughTheUnembedding() throws Exception {
        int dIn = DecoderModelsFixture.GPT2.d(), dSae = 24;
        java.util.Random r = new java.util.Random(3);
        float[] wEnc = new float[dIn * dSae], wDec = new float[dSae * dIn];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) r.nextGaussian() * 0.5f;
        for (int i = 0; i < wDec.length; i++) wDec[i] = (float) r.nextGaussian() * 0.3f;
        // feature 3 writes the unembedding direction of " the" (tied: its embedding row)
        float[] wte = DecoderModelsFixture.register(dir).gpt2.get("wte.weight");
        for (int i = 0; i < dIn; i++) wDec[3 * dIn + i] = 3 * wte[DecoderModelsFixture.THE * dIn + i];
        var cfg = lantern.subject.sae.SaeConfig.relu("tiny-gpt2", "blocks.1.hook_resid_post", dIn, dSae);
        try (var nd = ai.djl.ndarray.NDManager.newBaseManager("PyTorch");
             var store = new lantern.subject.sae.SaeStore(dir, nd)) {
            store.save(lantern.subject.sae.Sae.of(cfg, new lantern.subject.sae.SaeWeights(wEnc, new float[dSae], wDec,
                    new float[dIn], null), nd), java.util.Map.of());
        }
        String kind = cfg.kind();
        String collected = run(new CollectCommand(), "--model", "tiny-gpt2", "--sae", kind, "--layers", "1",
                "--max-tokens", "600", "--checkpoint-seconds", "0", "--data", data);
        assertThat(collected).contains("collected 24 neurons over");
        String shown = run(new ShowCommand(), "tiny-gpt2/1/" + kind + "/3", "--color", "never", "--data", data);
        assertThat(shown).contains("top windows:");
        String promotes = shown.substring(shown.indexOf("promotes ("));
        assertThat(promotes.lines().skip(1).findFirst().orElseThrow()).startsWith("  ' the' +");
    }

    /** The first Brown documents as the chunker reads them: sentences joined by single spaces. */
    static String brownText(int sentences) {
        try (var docs = new lantern.corpus.BrownCorpus(Path.of("lantern-data/corpora/brown")).documents()) {
            return docs.flatMap(d -> d.sentences().stream()).limit(sentences)
                    .map(x -> x.text().text()).collect(java.util.stream.Collectors.joining(" "));
        }
    }

    @Test
    void collectAndShowLlamaAndLlama2cNeurons() {
        for (String model : new String[]{"tiny-llama", "tiny-l2c"}) {
            String collected = run(new CollectCommand(), "--model", model, "--layers", "0", "--max-tokens", "500",
                    "--seq-len", "32", "--checkpoint-seconds", "0", "--data", data);
            assertThat(collected).contains("collected 32 neurons over");
            String shown = run(new ShowCommand(), model + "/0/mlp/3", "--color", "never", "--data", data);
            assertThat(shown).contains("top windows:").contains("suppresses:");
        }
    }
}

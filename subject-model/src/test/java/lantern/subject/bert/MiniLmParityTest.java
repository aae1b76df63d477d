package lantern.subject.bert;

import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Our forward pass against ONNX Runtime (the oracle) on real Brown sentences. */
class MiniLmParityTest {
    static BertModel model;

    @BeforeAll
    static void load() {
        model = BertModel.loadMiniLm();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Untagged sentences from the first Brown files: every sentence line is "\tword/tag word/tag ...". */
    static List<String> brownSentences(int count) throws IOException {
        Path dir = Path.of("lantern-data/corpora/brown");
        assertThat(dir.resolve("ca01")).as("run scripts/fetch-brown.sh first").exists();
        Pattern split = Pattern.compile("\\s+");
        List<String> out = new ArrayList<>();
        for (String file : List.of("ca01", "cg22", "cn05", "cr09")) {
            for (String line : Files.readAllLines(dir.resolve(file))) {
                if (line.isBlank()) continue;
                StringBuilder sb = new StringBuilder();
                for (String tok : split.split(line.strip())) {
                    int slash = tok.lastIndexOf('/');
                    String word = slash > 0 ? tok.substring(0, slash) : tok;
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.append(word.replace("``", "\"").replace("''", "\""));
                }
                out.add(sb.toString());
                if (out.size() % (count / 4) == 0) break;
            }
        }
        return out.subList(0, Math.min(count, out.size()));
    }

    @Test
    void embeddingsMatchOnnxRuntime() throws IOException {
        List<String> sentences = brownSentences(24);
        assertThat(sentences).hasSizeGreaterThanOrEqualTo(20);
        var oracle = new AllMiniLmL6V2EmbeddingModel();
        List<float[]> ours = model.embedAll(sentences);
        double worst = 0;
        for (int i = 0; i < sentences.size(); i++) {
            float[] ref = oracle.embed(TextSegment.from(sentences.get(i))).content().vector();
            float[] got = ours.get(i);
            assertThat(got).hasSize(ref.length);
            for (int d = 0; d < ref.length; d++) worst = Math.max(worst, Math.abs(ref[d] - got[d]));
        }
        System.out.printf("parity: max abs difference to ONNX Runtime over %d Brown sentences: %.2e (MKL dispatch: %s)%n",
                sentences.size(), worst, lantern.subject.MklDispatch.ensure());
        assertThat(worst).as("max abs difference to ONNX Runtime").isLessThanOrEqualTo(1e-4);
    }

    @Test
    void paddingDoesNotChangeRealTokens() {
        Encoding shortOne = model.encode("The jury praised the city.");
        Encoding longOne = model.encode("The jury further said in term-end presentments that the City Executive Committee deserves praise.");
        int t = longOne.length();
        long[][] ids = {java.util.Arrays.copyOf(shortOne.ids(), t), longOne.ids()};
        try (NDManager m = model.manager().newSubManager()) {
            NDArray batched = model.forward(m, ids, new int[]{shortOne.length(), t}, Hooks.none());
            NDArray alone = model.forward(m, new long[][]{shortOne.ids()}, new int[]{shortOne.length()}, Hooks.none());
            float[] a = batched.get(0).get(":" + shortOne.length()).toFloatArray();
            float[] b = alone.get(0).toFloatArray();
            for (int i = 0; i < a.length; i++) assertThat(Math.abs(a[i] - b[i])).isLessThan(1e-4f);
        }
    }

    @Test
    void cachesOnlyWhatIsAskedAndAblationChangesTheOutput() {
        Encoding e = model.encode("Plural nouns such as years and children appear here.");
        long[][] ids = {e.ids()};
        int[] len = {e.length()};
        try (NDManager m = model.manager().newSubManager()) {
            Hooks cache = Hooks.none().cache(HookNames.mlpPost(3));
            HookPass cachePass = cache.start();
            NDArray clean = model.forward(m, ids, len, cachePass);
            assertThat(cachePass.cached()).containsOnlyKeys(HookNames.mlpPost(3));
            NDArray neurons = cachePass.get(HookNames.mlpPost(3));
            assertThat(neurons.getShape().getShape()).containsExactly(1, e.length(), 1536);
            // find the most active neuron and ablate it: its cached value becomes zero and the output changes
            int top = (int) neurons.get(0).max(new int[]{0}).argMax().getLong();
            Hooks ablate = Hooks.none().replace(HookNames.mlpPost(3), Interventions.zeroAblate(top)).cache(HookNames.mlpPost(3));
            HookPass ablatePass = ablate.start();
            NDArray patched = model.forward(m, ids, len, ablatePass);
            assertThat(ablatePass.get(HookNames.mlpPost(3)).get("0, :, " + top).abs().max().getFloat()).isZero();
            assertThat(patched.sub(clean).abs().max().getFloat()).isGreaterThan(1e-4f);
            // a hook that returns its input changes nothing
            NDArray same = model.forward(m, ids, len, Hooks.none().replace(HookNames.residPost(2), x -> x));
            assertThat(same.sub(clean).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void headOutputsAndMlpInputAreTheDocumentedPoints() {
        Encoding e = model.encode("The heads of the committee met on Monday.");
        long[][] ids = {e.ids()};
        int[] len = {e.length()};
        try (NDManager m = model.manager().newSubManager()) {
            Hooks all = Hooks.none().cache(model.hookNames());
            HookPass allPass = all.start();
            NDArray clean = model.forward(m, ids, len, allPass);
            NDArray z = allPass.get(HookNames.attnZ(2));
            assertThat(z.getShape().getShape()).containsExactly(1, e.length(), 12, 32);
            // the MLP reads the post-LayerNorm resid_mid
            assertThat(allPass.get(HookNames.mlpIn(2)).sub(allPass.get(HookNames.residMid(2))).abs().max().getFloat()).isZero();
            NDArray plain = model.forward(m, ids, len, Hooks.none());
            assertThat(clean.sub(plain).abs().max().getFloat()).isLessThan(1e-6f);
            // zeroing the MLP's input leaves the residual stream alone but changes the output
            NDArray noMlpIn = model.forward(m, ids, len, Hooks.none().replace(HookNames.mlpIn(2), x -> x.zerosLike()));
            assertThat(noMlpIn.sub(clean).abs().max().getFloat()).isGreaterThan(1e-4f);
            NDArray headOff = model.forward(m, ids, len, Hooks.none().replace(HookNames.attnZ(2), x -> {
                NDArray y = x.duplicate();
                y.set(new ai.djl.ndarray.index.NDIndex(":, :, 5, :"), 0f);
                return y;
            }));
            assertThat(headOff.sub(clean).abs().max().getFloat()).isGreaterThan(1e-4f);
        }
    }

    @Test
    void toTokensIsTheTokenizersClsTextSep() {
        for (String text : new String[]{"Plural nouns such as years and children.", "a", "The U.S. economy's growth"}) {
            Encoding framed = model.toTokens(text);
            Encoding direct = model.encode(text);
            assertThat(framed.ids()).containsExactly(direct.ids());
            assertThat(framed.tokens()).containsExactly(direct.tokens());
            assertThat(framed.special()).containsExactly(direct.special());
            assertThat(framed.charStart()).containsExactly(direct.charStart());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.toTokens(""))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("no tokens");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.toTokens("word ".repeat(600)))
                .isInstanceOf(lantern.errors.InvalidInputException.class).hasMessageContaining("reads at most 512");
    }

    @Test
    void tooLongTextIsRejectedClearly() {
        String text = "word ".repeat(600);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.encode(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 512");
    }
}

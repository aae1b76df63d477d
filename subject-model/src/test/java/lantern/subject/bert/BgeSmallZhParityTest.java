package lantern.subject.bert;

import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** bge-small-zh-v1.5: our forward pass against ONNX Runtime (the artifact's own embedding model) on Chinese sentences. */
class BgeSmallZhParityTest {
    static BertModel model;

    /** Lines of well-known Tang and Song poems (traditional and simplified) and modern sentences. */
    static final List<String> SENTENCES = List.of(
            "床前明月光，疑是地上霜。", "舉頭望明月，低頭思故鄉。", "白日依山盡，黃河入海流。",
            "欲窮千里目，更上一層樓。", "春眠不覺曉，處處聞啼鳥。", "夜來風雨聲，花落知多少。",
            "國破山河在，城春草木深。", "感時花濺淚，恨別鳥驚心。", "明月几时有？把酒问青天。",
            "不知天上宫阙，今夕是何年。", "大江东去，浪淘尽，千古风流人物。", "寻寻觅觅，冷冷清清，凄凄惨惨戚戚。",
            "李宏毅是台灣大學的教授。", "今天的天气很好，我们去公园散步吧。", "这个模型的第三层有一个神经元在句末字上激活。",
            "北京是中华人民共和国的首都。", "他在图书馆里读了一整天的书。", "机器学习需要大量的数据和计算资源。",
            "Transformer 模型由多层注意力和前馈网络组成。", "春风又绿江南岸，明月何时照我还？");

    @BeforeAll
    static void load() {
        model = BertModel.load(EmbeddedEncoder.BGE_SMALL_ZH);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shapeIsReadFromTheWeights() {
        var info = model.info();
        assertThat(info.id()).isEqualTo("bge-small-zh");
        assertThat(info.layers()).isEqualTo(4);
        assertThat(info.dModel()).isEqualTo(512);
        assertThat(info.heads()).isEqualTo(8);
        assertThat(info.neuronsPerLayer()).isEqualTo(2048);
        assertThat(info.vocabSize()).isEqualTo(21128);
        assertThat(info.contextLength()).isEqualTo(512);
        assertThat(model.hookNames()).contains("blocks.3.mlp.hook_post").doesNotContain("blocks.4.mlp.hook_post");
    }

    @Test
    void oneTokenPerChineseCharacterAndNoLowercasing() {
        Encoding e = model.tokenizer().encode("床前明月光", false);
        assertThat(e.tokens()).containsExactly("床", "前", "明", "月", "光");
        Encoding latin = model.tokenizer().encode("BERT", false);
        assertThat(String.join("", latin.tokens()).replace("#", "")).isNotEqualTo("bert");
    }

    @Test
    void embeddingsMatchOnnxRuntime() {
        var oracle = new BgeSmallZhV15EmbeddingModel();
        List<float[]> ours = model.embedAll(SENTENCES);
        double worst = 0;
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] ref = oracle.embed(TextSegment.from(SENTENCES.get(i))).content().vector();
            float[] got = ours.get(i);
            assertThat(got).hasSize(ref.length);
            for (int d = 0; d < ref.length; d++) worst = Math.max(worst, Math.abs(ref[d] - got[d]));
        }
        System.out.printf("parity: max abs difference to ONNX Runtime over %d Chinese sentences: %.2e%n", SENTENCES.size(), worst);
        assertThat(worst).as("max abs difference to ONNX Runtime").isLessThanOrEqualTo(1e-4);
    }

    /** BGE pools the [CLS] state: mean pooling would give another vector (so the test above can tell them apart). */
    @Test
    void poolingIsTheClsTokenNotTheMean() {
        Encoding e = model.encode(SENTENCES.get(0));
        try (NDManager m = model.manager().newSubManager()) {
            NDArray hidden = model.forward(m, new long[][]{e.ids()}, new int[]{e.length()}, Hooks.none()).get(0);
            float[] cls = hidden.get(0).toFloatArray();
            float[] mean = hidden.mean(new int[]{0}).toFloatArray();
            float[] got = model.embed(SENTENCES.get(0));
            assertThat(cosine(got, cls)).isGreaterThan(0.99999);
            assertThat(cosine(got, mean)).isLessThan(0.999);
        }
    }

    @Test
    void ablatingANeuronChangesTheEmbedding() {
        Encoding e = model.encode("押韻的字在句末。");
        try (NDManager m = model.manager().newSubManager()) {
            Hooks cache = Hooks.none().cache(HookNames.mlpPost(2));
            HookPass cachePass = cache.start();
            NDArray clean = model.forward(m, new long[][]{e.ids()}, new int[]{e.length()}, cachePass);
            NDArray neurons = cachePass.get(HookNames.mlpPost(2));
            assertThat(neurons.getShape().getShape()).containsExactly(1, e.length(), 2048);
            int top = (int) neurons.get(0).max(new int[]{0}).argMax().getLong();
            Hooks ablate = Hooks.none().replace(HookNames.mlpPost(2), Interventions.zeroAblate(top));
            NDArray patched = model.forward(m, new long[][]{e.ids()}, new int[]{e.length()}, ablate);
            assertThat(patched.sub(clean).abs().max().getFloat()).isGreaterThan(1e-4f);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

package lantern.subject.fv;

import lantern.api.fv.FvResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.errors.InvalidInputException;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.PlantedTaskModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FunctionVectorTest {
    static final int L = PlantedTaskModel.SPEC.layers(), H = PlantedTaskModel.SPEC.heads();
    @TempDir
    static Path tmp;
    static Map<String, float[]> weights;
    static DecoderModel model;
    static IclTask copy;

    @BeforeAll
    static void load() throws Exception {
        weights = PlantedTaskModel.weights();
        model = DecoderModels.load(PlantedTaskModel.write(tmp.resolve("planted"), weights));
        List<IclTask.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < PlantedTaskModel.WORDS; i++) {
            pairs.add(new IclTask.Pair(PlantedTaskModel.word(i), PlantedTaskModel.word(i)));
        }
        copy = new IclTask("copy", pairs);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void thePlantedTaskHeadIsFoundAndItsVectorDoesTheTaskZeroShot() {
        FvResult r = FunctionVectors.run(model, copy, new lantern.api.fv.FunctionVectorOptions(1, 0, 6, 20, 8, 1), s -> { });
        assertThat(r.heads()).hasSize(1);
        FvResult.Head top = r.heads().get(0);
        assertThat(top.layer()).isEqualTo(PlantedTaskModel.TASK_LAYER);
        assertThat(top.head()).isEqualTo(PlantedTaskModel.TASK_HEAD);
        assertThat(top.aie()).isGreaterThan(0.5);
        for (int l = 0; l < L; l++) {
            for (int h = 0; h < H; h++) {
                if (l != top.layer() || h != top.head()) assertThat(r.aie()[l][h]).isLessThan(0.05);
            }
        }
        assertThat(r.fewShot()).isEqualTo(1.0);
        assertThat(r.zeroShot()).isEqualTo(0.0);
        assertThat(r.zeroShotWithFv()).isEqualTo(1.0);
        assertThat(r.items()).hasSize(5);
    }

    @Test
    void meanOutputsAndIndirectEffectsMatchAPlainJavaReference() {
        LlamaReference ref = new LlamaReference(PlantedTaskModel.SPEC, weights, 10000);
        Random r = new Random(4);
        var clean = IclPrompts.sample(copy.pairs(), copy.pairs(), 5, 6, false, r);
        List<long[]> ids = new ArrayList<>();
        double[][][] refMean = new double[L][H][(PlantedTaskModel.SPEC.d() / H)];
        for (IclPrompts.Prompt p : clean) {
            long[] x = HeadEffects.encode(model, p).ids();
            ids.add(x);
            double[][][] z = ref.run(x, null).z();
            for (int l = 0; l < L; l++) for (int h = 0; h < H; h++) for (int k = 0; k < refMean[l][h].length; k++) {
                refMean[l][h][k] += z[l][h][k] / clean.size();
            }
        }
        float[][][] mean = HeadEffects.meanOutputs(model, ids);
        for (int l = 0; l < L; l++) for (int h = 0; h < H; h++) for (int k = 0; k < refMean[l][h].length; k++) {
            assertThat((double) mean[l][h][k]).isCloseTo(refMean[l][h][k], within(1e-4));
        }
        IclPrompts.Prompt shuffled = IclPrompts.sample(copy.pairs(), copy.pairs(), 5, 1, true, r).get(0);
        HeadEffects.Encoded enc = HeadEffects.encode(model, shuffled);
        double[][] effects = HeadEffects.indirectEffects(model, enc, mean);
        double base = LlamaReference.softmaxAt(ref.run(enc.ids(), null).logits(), (int) enc.target());
        boolean someEffect = false;
        for (int l = 0; l < L; l++) {
            for (int h = 0; h < H; h++) {
                float[][][] patch = new float[L][H][];
                patch[l][h] = mean[l][h];
                double p = LlamaReference.softmaxAt(ref.run(enc.ids(), patch).logits(), (int) enc.target());
                assertThat(effects[l][h]).as("head %d.%d", l, h).isCloseTo(p - base, within(1e-4));
                someEffect |= Math.abs(p - base) > 0.1;
            }
        }
        assertThat(someEffect).isTrue();
        // the vector is the head's mean z through its slice of W_O: here exactly SUPP = mean z_0
        float[] fv = HeadEffects.functionVector(model, List.of(new int[]{1, 2}), mean);
        assertThat(fv[50]).isCloseTo(mean[1][2][0], within(1e-6f));
        double rest = 0;
        for (int j = 0; j < fv.length; j++) if (j != 50) rest += Math.abs(fv[j]);
        assertThat(rest).isLessThan(1e-6);
    }

    @Test
    void badTasksAndOptionsAreRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> IclTask.parse(json.readTree("{\"x\": 1}"), "t"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("JSON list");
        assertThatThrownBy(() -> IclTask.parse(json.readTree("[{\"input\": \"a\"}]"), "t"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("output");
        IclTask numbers = IclTask.parse(json.readTree("[{\"input\": 1, \"output\": 2}]"), "t");
        assertThat(numbers.pairs().get(0).output()).isEqualTo("2");
        assertThat(IclPrompts.build(List.of(new IclTask.Pair("a", "b")), new IclTask.Pair("c", "d")).text())
                .isEqualTo("Q: a\nA: b\n\nQ: c\nA:");
        assertThatThrownBy(() -> FunctionVectors.run(model, copy, new lantern.api.fv.FunctionVectorOptions(1, 2, 6, 5, 5, 0), s -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> FunctionVectors.run(model, copy, new lantern.api.fv.FunctionVectorOptions(9, 0, 6, 5, 5, 0), s -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("heads must be");
        assertThatThrownBy(() -> FunctionVectors.run(model, copy, new lantern.api.fv.FunctionVectorOptions(1, 0, 12, 5, 5, 0), s -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("fewer shots");
    }
}

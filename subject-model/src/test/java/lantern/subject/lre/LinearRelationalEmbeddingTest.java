package lantern.subject.lre;

import lantern.api.lre.LreResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.errors.InvalidInputException;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.PlantedModels;
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

class LinearRelationalEmbeddingTest {
    @TempDir
    static Path tmp;
    static Map<String, float[]> weights;
    static DecoderModel model;
    static Relation relation;

    @BeforeAll
    static void load() throws Exception {
        weights = PlantedModels.linearRelation(7);
        model = DecoderModels.load(PlantedModels.writeLinearRelation(tmp.resolve("linear"), weights));
        relation = new Relation("planted", "the {}", referenceObjects());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Each subject's object by the planted map alone (plain Java): argmax of lm_head · g · A h. */
    static List<Relation.Sample> referenceObjects() {
        int d = PlantedModels.LINEAR.d();
        double[][] a = PlantedModels.linearMap(weights);
        float[] embed = weights.get("model.embed_tokens.weight");
        float[] head = weights.get("lm_head.weight");
        float[] gf = weights.get("model.norm.weight");
        List<Relation.Sample> out = new ArrayList<>();
        for (int t = 33; t < 53; t++) {
            double[] z = new double[d];
            for (int i = 1; i < d; i++) for (int j = 1; j < d; j++) z[i] += a[i][j] * embed[t * d + j];
            int best = -1;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < PlantedModels.LINEAR.vocab(); v++) {
                double logit = 0;
                for (int i = 1; i < d; i++) logit += head[v * d + i] * gf[i] * Math.sqrt(d) / PlantedModels.C * z[i];
                if (logit > bestLogit) {
                    bestLogit = logit;
                    best = v;
                }
            }
            out.add(new Relation.Sample(PlantedModels.word(t), PlantedModels.word(best)));
        }
        return out;
    }

    @Test
    void theMeanJacobianIsThePlantedMap() {
        var train = relation.samples().subList(0, 5);
        RelationalEmbedding.Fit fit = RelationalEmbedding.fit(model, relation, train, 0, s -> { });
        int d = PlantedModels.LINEAR.d();
        double[][] a = PlantedModels.linearMap(weights);
        for (int i = 1; i < d; i++) {
            for (int j = 1; j < d; j++) {
                assertThat(fit.weight()[i * d + j]).as("W[%d][%d]", i, j).isCloseTo((float) a[i][j], within(2e-3f));
            }
        }
        // the map is not the identity: the test would notice a Jacobian that only saw the residual path
        double offIdentity = 0;
        for (int i = 1; i < d; i++) for (int j = 1; j < d; j++) offIdentity += Math.abs(a[i][j] - (i == j ? 1 : 0));
        assertThat(offIdentity).isGreaterThan(1.0);
    }

    @Test
    void anExactRelationIsFaithfulAndCausal() {
        LreResult r = RelationalEmbedding.run(model, relation,
                new lantern.api.lre.LreOptions(0, 1.0, 5, null, 3), s -> { });
        assertThat(r.subjects()).hasSize(15);
        assertThat(r.lmAccuracy()).isEqualTo(1.0);
        assertThat(r.faithfulness()).isEqualTo(1.0);
        assertThat(r.lreAccuracy()).isEqualTo(1.0);
        assertThat(r.edits()).isNotEmpty();
        assertThat(r.causality()).isEqualTo(1.0);
        for (LreResult.Edit e : r.edits()) assertThat(e.after()).isEqualTo(e.targetObject());
        assertThat(r.rank()).isEqualTo(16);
    }

    @Test
    void aWrongScaleIsLessFaithful() {
        LreResult r = RelationalEmbedding.run(model, relation,
                new lantern.api.lre.LreOptions(0, -1.0, 5, null, 3), s -> { });
        assertThat(r.faithfulness()).isLessThan(0.5);
    }

    @Test
    void svdReconstructsAndInverts() {
        int n = 12;
        Random r = new Random(5);
        float[] a = new float[n * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        Svd svd = Svd.of(a, n);
        for (int k = 1; k < n; k++) assertThat(svd.s[k]).isLessThanOrEqualTo(svd.s[k - 1]);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = 0;
                for (int k = 0; k < n; k++) x += svd.u[i][k] * svd.s[k] * svd.v[j][k];
                assertThat(x).isCloseTo(a[i * n + j], within(1e-4));
            }
        }
        float[] p = svd.pinv(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = 0;
                for (int k = 0; k < n; k++) x += (double) a[i * n + k] * p[k * n + j];
                assertThat(x).isCloseTo(i == j ? 1 : 0, within(1e-3));
            }
        }
        // rank 1: only the top singular direction survives
        float[] p1 = svd.pinv(1);
        double x = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) x += p1[i * n + j] * svd.u[j][1] * svd.v[i][0];
        assertThat(x).isCloseTo(0, within(1e-5));
    }

    @Test
    void badRelationsAndLayersAreRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> Relation.parse(json.readTree("{\"samples\": []}"), "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("prompt_templates");
        assertThatThrownBy(() -> Relation.parse(json.readTree(
                "{\"prompt_templates\": [\"no hole\"], \"samples\": [{\"subject\": \"a\", \"object\": \"b\"}]}"), "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("exactly one {}");
        assertThatThrownBy(() -> Relation.parse(json.readTree(
                "{\"prompt_templates\": [\"{} is\"], \"samples\": [{\"subject\": 3}]}"), "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("subject");
        Relation parsed = Relation.parse(json.readTree("{\"name\": \"r\", \"prompt_templates\": [\"The {} is\"], "
                + "\"samples\": [{\"subject\": \"a\", \"object\": \"b\"}, {\"subject\": \"c\", \"object\": \"d\"}]}"), "x");
        assertThat(parsed.prompt(parsed.samples(), "c")).isEqualTo("The a is b\nThe c is");
        assertThatThrownBy(() -> RelationalEmbedding.run(model, relation,
                new lantern.api.lre.LreOptions(2, null, 5, null, 0), s -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> RelationalEmbedding.run(model, parsed,
                new lantern.api.lre.LreOptions(0, null, 5, null, 0), s -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least");
    }
}

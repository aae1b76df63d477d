package lantern.core;

import lantern.api.lens.PatchRequest;
import lantern.api.lens.SweepRequest;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import lantern.subject.lens.PatchscopePreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The presets' defaults, decided once for REST and the CLI. */
class LensesTest {
    @TempDir
    Path tmp;

    @Test
    void presetDefaultsLiveInOnePlace() throws Exception {
        Path dir = TinyModels.writeGpt2(tmp.resolve("g"), TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        try (DecoderModel m = DecoderModels.load(dir)) {
            int placeholder = PatchscopePreset.IDENTITY.targetPosition(m);
            assertThat(placeholder).isGreaterThan(0);
            assertThat(Lenses.target(null, null, null, m))
                    .isEqualTo(new Lenses.Target(PatchscopePreset.IDENTITY.prompt(), placeholder));
            assertThat(Lenses.target("attribute-extraction", null, null, m).prompt())
                    .isEqualTo(PatchscopePreset.ATTRIBUTE_EXTRACTION.prompt());
            assertThat(Lenses.target(null, "the cat ?", null, m)).isEqualTo(new Lenses.Target("the cat ?", -1));
            assertThat(Lenses.target("identity", "the cat ?", 1, m)).isEqualTo(new Lenses.Target("the cat ?", 1));
            assertThat(Lenses.target("identity", null, 2, m).position()).isEqualTo(2);
            assertThatThrownBy(() -> Lenses.target("free-form", null, null, m)).hasMessageContaining("free-form needs a target prompt");

            Lenses service = new Lenses(held(m));
            var r = service.patch(new PatchRequest("tiny", null, null, "a dog ran", 1, null, null, null, null, null, 3, null, null, null));
            assertThat(r.sourceToken()).isEqualTo("ran");
            assertThat(r.tokens()).hasSize(3);
            assertThatThrownBy(() -> service.patch(new PatchRequest("tiny", null, null, "a dog ran", 1, null, null, null, null, null, 10_000, null, null, null)))
                    .hasMessageContaining("maxTokens");
            var sweep = service.sweep(new SweepRequest("tiny", null, "the cat sat", null, null, null, false));
            assertThat(sweep.positions()).containsExactly(0, 1, 2);
            assertThat(sweep.targetPosition()).isEqualTo(placeholder);
            assertThat(service.sweep(new SweepRequest("tiny", null, "the cat sat", null, null, List.of(2), false)).positions()).containsExactly(2);
        }
    }

    /** The one loaded model under any id, as the service's held source hands it. */
    static ModelSource held(SubjectModel m) {
        return new ModelSource() {
            @Override
            public <T> T withModel(String id, Function<SubjectModel, T> use) {
                return use.apply(m);
            }
        };
    }
}

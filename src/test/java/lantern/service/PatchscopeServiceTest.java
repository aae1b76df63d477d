package lantern.service;

import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.TinyModels;
import lantern.subject.lens.PatchscopePreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The presets' defaults, decided once for REST and the CLI. */
class PatchscopeServiceTest {
    @TempDir
    Path tmp;

    @Test
    void presetDefaultsLiveInOnePlace() throws Exception {
        Path dir = TinyModels.writeGpt2(tmp.resolve("g"), TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        try (DecoderModel m = DecoderModels.load(dir)) {
            int placeholder = PatchscopePreset.IDENTITY.targetPosition(m);
            assertThat(placeholder).isGreaterThan(0);
            assertThat(PatchscopeService.target(null, null, null, m))
                    .isEqualTo(new PatchscopeService.Target(PatchscopePreset.IDENTITY.prompt(), placeholder));
            assertThat(PatchscopeService.target("attribute-extraction", null, null, m).prompt())
                    .isEqualTo(PatchscopePreset.ATTRIBUTE_EXTRACTION.prompt());
            assertThat(PatchscopeService.target(null, "the cat ?", null, m)).isEqualTo(new PatchscopeService.Target("the cat ?", -1));
            assertThat(PatchscopeService.target("identity", "the cat ?", 1, m)).isEqualTo(new PatchscopeService.Target("the cat ?", 1));
            assertThat(PatchscopeService.target("identity", null, 2, m).position()).isEqualTo(2);
            assertThatThrownBy(() -> PatchscopeService.target("free-form", null, null, m)).hasMessageContaining("free-form needs a target prompt");

            PatchscopeService service = new PatchscopeService();
            var r = service.patch(m, m, new PatchscopeService.Patch(null, "a dog ran", 1, null, null, null, null, null, 3, null, null, null));
            assertThat(r.sourceToken()).isEqualTo("ran");
            assertThat(r.tokens()).hasSize(3);
            assertThatThrownBy(() -> service.patch(m, m, new PatchscopeService.Patch(null, "a dog ran", 1, null, null, null, null, null, 10_000, null, null, null)))
                    .hasMessageContaining("maxTokens");
            var sweep = service.sweep(m, new PatchscopeService.Sweep(null, "the cat sat", null, null, null, false));
            assertThat(sweep.positions()).containsExactly(0, 1, 2);
            assertThat(sweep.targetPosition()).isEqualTo(placeholder);
            assertThat(service.sweep(m, new PatchscopeService.Sweep(null, "the cat sat", null, null, List.of(2), false)).positions()).containsExactly(2);
        }
    }
}

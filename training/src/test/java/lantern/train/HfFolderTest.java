package lantern.train;

import ai.djl.ndarray.NDManager;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class HfFolderTest {
    @TempDir
    Path tmp;

    static String text() {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(1);
        String[] words = {"the", "jury", "said", "that", "election", "county", "of", "and", "city", "court", "was"};
        for (int i = 0; i < 3000; i++) sb.append(i % 9 == 0 ? ". " : " ").append(words[r.nextInt(words.length)]);
        return sb.toString();
    }

    @Test
    void theSavedFolderAndTheLlama2cExportGiveTheTrainersLogitsThroughTheOrdinaryLoaders() throws Exception {
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of(text()), 300);
        Path tokJson = tmp.resolve("tokenizer.json");
        BpeTrainer.writeTokenizerJson(v, tokJson);
        for (boolean tied : new boolean[]{false, true}) {
            TrainConfig c = new TrainConfig(2, 32, 2, 64, 16, v.size(), 4, 1e-2, 2, 0.1, 1.0, 0.9, 0.95, tied, 5);
            Random r = new Random(2);
            long[][] probe = new long[1][12];
            for (int j = 0; j < 12; j++) probe[0][j] = r.nextInt(v.size());
            Path dir = tmp.resolve(tied ? "tied" : "untied");
            float[] expected;
            try (DecoderTrainer t = DecoderTrainer.fresh(c)) {
                for (int s = 0; s < 3; s++) {
                    int[][] rows = new int[4][17];
                    for (int[] row : rows) for (int j = 0; j < row.length; j++) row[j] = r.nextInt(v.size());
                    t.train(rows, 3);
                }
                try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                    DecoderModel trained = t.model(m.newSubManager(), false, null, null);
                    expected = trained.logits(trained.forward(m, probe, null, Hooks.none())).toFloatArray();
                }
                HfFolder.write(dir, t.parameters(), tokJson);
                Llama2cExport.write(t.parameters(), dir.resolve("m.bin"), tokJson, dir.resolve("tokenizer.bin"));
            }
            List<DecoderModel> loaded = new ArrayList<>();
            loaded.add(DecoderModels.loadHf("hf", dir, null));
            loaded.add(DecoderModels.loadLlama2c("l2c", dir.resolve("m.bin"), dir.resolve("tokenizer.bin")));
            for (DecoderModel m : loaded) {
                try (m; NDManager nm = NDManager.newBaseManager("PyTorch")) {
                    assertThat(m.config().tiedEmbeddings() || !tied).isTrue();
                    float[] got = m.logits(m.forward(nm, probe, null, Hooks.none())).toFloatArray();
                    assertThat(got).hasSameSizeAs(expected);
                    float worst = 0;
                    for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
                    assertThat(worst).as(m.info().source() + " tied=" + tied).isLessThanOrEqualTo(1e-5f);
                }
            }
            try (DecoderModel hf = DecoderModels.loadHf("hf", dir, null);
                 DecoderModel l2c = DecoderModels.loadLlama2c("l2c", dir.resolve("m.bin"), dir.resolve("tokenizer.bin"))) {
                long[] ids = hf.tokenizer().encode("the jury said that the city court was", false).ids();
                assertThat(ids.length).as("merges in use").isLessThan(20);
                assertThat(l2c.tokenizer().decode(ids)).isEqualTo(hf.tokenizer().decode(ids));
            }
        }
    }
}

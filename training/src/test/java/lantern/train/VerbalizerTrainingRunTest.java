package lantern.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.selfreport.Verbalizer;
import lantern.train.DecoderTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerbalizerTrainingRunTest {
    @TempDir
    Path tmp;

    static final class Stop extends RuntimeException {
    }

    private static DecoderTrainingRun.Listener listener(List<String> notes, long stopAt) {
        return new DecoderTrainingRun.Listener() {
            @Override
            public void note(String line) {
                notes.add(line);
            }

            @Override
            public void onStep(long step, long total, DecoderTrainer.StepResult r, double tps, double eta) {
                if (step == stopAt) throw new Stop();
            }
        };
    }

    @Test
    void trainingLossFallsAndTheFolderLoadsAsAVerbalizerRegisteredByName() throws Exception {
        try (DecoderModel subject = VerbalizerFixture.load()) {
            var data = VerbalizerFixture.data(subject);
            var o = VerbalizerFixture.options("verb", 40, 0);
            var r = new VerbalizerTrainingRun(tmp).run(o, data, listener(new ArrayList<>(), -1));
            JsonNode t = new ObjectMapper().readTree(r.dir().resolve("training.json").toFile());
            JsonNode losses = t.path("losses");
            assertThat(losses).hasSize(40);
            double first = 0, last = 0;
            for (int i = 0; i < 5; i++) {
                first += losses.get(i).asDouble() / 5;
                last += losses.get(35 + i).asDouble() / 5;
            }
            assertThat(last).as("mean loss of the last 5 steps vs the first 5").isLessThan(first - 0.5);
            assertThat(r.heldOutLoss()).isFinite().isLessThan(first);
            assertThat(new DecoderRegistry(tmp).get("verb").path())
                    .isEqualTo(r.dir().toAbsolutePath().normalize().toString());
            assertThat(Verbalizer.isVerbalizer(r.dir())).isTrue();
            try (Verbalizer v = Verbalizer.load("verb", r.dir())) {
                assertThat(v.spec().hook()).isEqualTo(VerbalizerFixture.HOOK);
                String text = v.verbalize(data.heldOut(7, 1).get(0).state());
                assertThat(text).isNotNull();
                assertThat(v.decoder().tokenizer().encode(text, false).ids().length).isLessThanOrEqualTo(7);
            }
        }
    }

    @Test
    void aRunStoppedBetweenCheckpointsResumesToTheSameWeightsBitForBit() throws Exception {
        try (DecoderModel subject = VerbalizerFixture.load()) {
            var data = VerbalizerFixture.data(subject);
            var o = VerbalizerFixture.options("verb", 7, 2);
            Path a = tmp.resolve("a");
            var ra = new VerbalizerTrainingRun(a).run(o, data, listener(new ArrayList<>(), -1));
            Path b = tmp.resolve("b");
            VerbalizerTrainingRun runB = new VerbalizerTrainingRun(b);
            assertThatThrownBy(() -> runB.run(o, data, listener(new ArrayList<>(), 5))).isInstanceOf(Stop.class);
            assertThat(runB.trained("verb")).isFalse();
            List<String> notes = new ArrayList<>();
            var rb = runB.run(o, data, listener(notes, -1));
            assertThat(notes).anyMatch(n -> n.startsWith("resuming from the checkpoint at step 4 of 7"));
            assertThat(rb.resumed()).isTrue();
            for (String f : List.of("model.safetensors", Verbalizer.MAP_FILE, Verbalizer.SPEC_FILE)) {
                assertThat(Files.readAllBytes(rb.dir().resolve(f))).as(f)
                        .isEqualTo(Files.readAllBytes(ra.dir().resolve(f)));
            }
            assertThat(runB.workDir("verb")).doesNotExist();
        }
    }

    @Test
    void aCheckpointIsRefusedWhenTheSubjectsStatesDifferFromTheKilledRuns() throws Exception {
        try (DecoderModel subject = VerbalizerFixture.load()) {
            var data = VerbalizerFixture.data(subject);
            var o = VerbalizerFixture.options("verb", 7, 2);
            VerbalizerTrainingRun run = new VerbalizerTrainingRun(tmp);
            assertThatThrownBy(() -> run.run(o, data, listener(new ArrayList<>(), 3))).isInstanceOf(Stop.class);
            // the same windows, states off in one last bit: what another MKL path or subject would compute
            VerbalizerData drifted = new VerbalizerData() {
                public List<Example> batch(long seed, long step, int size) {
                    return data.batch(seed, step, size);
                }

                public List<Example> heldOut(long seed, int n) {
                    return data.heldOut(seed, n).stream().map(e -> {
                        float[] s = e.state().clone();
                        s[0] = Math.nextUp(s[0]);
                        return new Example(s, e.target(), e.text());
                    }).toList();
                }

                public int width() {
                    return data.width();
                }

                public String describe() {
                    return data.describe();
                }
            };
            assertThatThrownBy(() -> run.run(o, drifted, listener(new ArrayList<>(), -1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other settings, data");
            assertThat(run.workDir("verb").resolve("checkpoint.bin")).as("the checkpoint is kept").isRegularFile();
        }
    }
}

package lantern.service.cli;

import lantern.bench.BenchFaithfulnessCommand;
import lantern.train.VerbalizerFixture;
import lantern.train.VerbalizerTrainingRun;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.VerbalizerNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static lantern.service.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lantern explain ... --explainer verbalizer} and {@code lantern bench faithfulness --verbalizer} from the
 * terminal: a tiny decoder trained here, a verbalizer trained on it for 30 steps, a collection of its neurons.
 */
class VerbalizerExplainCliTest {
    static final String SUBJECT = VerbalizerFixture.SUBJECT;
    @TempDir
    static Path dir;
    static String data;

    @BeforeAll
    static void setUp() throws Exception {
        Files.createDirectories(dir.resolve("corpora"));
        Files.createSymbolicLink(dir.resolve("corpora/brown"), Path.of("lantern-data/corpora/brown").toAbsolutePath());
        new DecoderRegistry(dir).add(SUBJECT, VerbalizerFixture.subject(), null);
        String name = VerbalizerNames.of(SUBJECT, VerbalizerFixture.HOOK, Pool.LAST, true);
        try (DecoderModel subject = VerbalizerFixture.load()) {
            new VerbalizerTrainingRun(dir).run(VerbalizerFixture.options(name, 30, 0), VerbalizerFixture.data(subject),
                    VerbalizerFixture.quiet());
        }
        data = dir.toString();
        String collected = run(new CollectCommand(), "--model", SUBJECT, "--layers", "0", "--max-tokens", "800", "--seq-len", "24",
                "--checkpoint-seconds", "0", "--data", data);
        assertThat(collected).contains("collected");
    }

    @Test
    void explainsANeuronByItsVerbalizedDirectionAndScoresTheLabel() {
        String out = run(new ExplainCommand(), SUBJECT + "/0/mlp/5", "--explainer", "verbalizer", "--no-embedding",
                "--no-causal", "--no-index", "--data", data);
        assertThat(out).contains(SUBJECT + "/0/mlp/5  [verbalizer]")
                .containsPattern("verbalized direction: \".+\" \\(the token '.*'\\)")
                .containsPattern("simulation +(-?[01]\\.\\d{3}|n/a)").contains("detection").contains("fuzzing");
        String json = run(new ExplainCommand(), SUBJECT + "/0/mlp/5", "--explainer", "verbalizer", "--no-embedding",
                "--no-causal", "--no-index", "--json", "--data", data);
        assertThat(json).contains("\"explainer\" : \"verbalizer\"").contains("\"kind\" : \"TOKEN\"");
    }

    @Test
    void theFaithfulnessBenchPrintsTheSelfReportRow() {
        String out = run(new BenchFaithfulnessCommand(), "--model", SUBJECT, "--layers", "0", "--verbalizer",
                "--all-units", "--max-units", "8", "--examples", "2", "--data", data);
        assertThat(out).contains("self-report row: the verbalizer explainer on the same ground-truth neurons")
                .containsPattern("(?m)^verbalizer +\\d+ +\\d+ \\( *\\d+%\\) +\\d+ ")
                .contains("mean simulation of every unit, verbalizer explainer")
                .containsPattern("(?m)^0 +\\d+ +-?\\d\\.\\d{3} +\\d+ ");
    }
}

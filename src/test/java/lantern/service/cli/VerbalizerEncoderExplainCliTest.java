package lantern.service.cli;

import lantern.train.VerbalizerFixture;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static lantern.service.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lantern explain minilm-l6/L/mlp/N --explainer verbalizer} through the one explain use case: a MiniLM
 * collection of layers 1 and 2, a tiny verbalizer of layer 1's resid_post (the fixture's), none of layer 2's.
 */
class VerbalizerEncoderExplainCliTest {
    static String data;

    @BeforeAll
    static void setUp() throws Exception {
        Path dir = VerbalizerFixture.encoderData();
        try (BertModel minilm = BertModel.loadMiniLm()) {
            VerbalizerFixture.encoderVerbalizer(dir, minilm, "blocks.1.hook_resid_post", 30);
        }
        data = dir.toString();
        if (!Files.isDirectory(dir.resolve("activations").resolve(BertModel.MINILM_ID))) {
            assertThat(run(new CollectCommand(), "--model", BertModel.MINILM_ID, "--layers", "1,2", "--max-tokens",
                    "800", "--checkpoint-seconds", "0", "--data", data)).contains("collected");
        }
    }

    @Test
    void aMiniLmNeuronIsExplainedByItsVerbalizedDirectionAndScored() {
        String out = run(new ExplainCommand(), "minilm-l6/1/mlp/7", "--explainer", "verbalizer", "--no-embedding",
                "--no-causal", "--no-index", "--json", "--data", data);
        assertThat(out).contains("\"explainer\" : \"verbalizer\"").contains("\"kind\" : \"TOKEN\"")
                .containsPattern("verbalized direction: \\\\\".+\\\\\" \\(its words\\)").contains("\"simulation\"");
    }

    @Test
    void aLayerWithoutAVerbalizerIsRefusedNamingTheCommandThatTrainsOne() {
        PrintStream oldErr = System.err, oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try {
            System.setErr(new PrintStream(err, true));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true));
            rc = new CommandLine(new ExplainCommand()).execute("minilm-l6/2/mlp/7", "--explainer", "verbalizer",
                    "--no-embedding", "--no-causal", "--no-index", "--data", data);
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        assertThat(rc).isNotZero();
        assertThat(err.toString())
                .contains("lantern train verbalizer --model minilm-l6 --hook blocks.2.hook_resid_post");
    }
}

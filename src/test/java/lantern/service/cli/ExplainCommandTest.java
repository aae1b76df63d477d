package lantern.service.cli;

import lantern.explainer.FeatureRecords;
import lantern.explainer.openai.NeuronRecordJson;
import lantern.explainer.testing.BrownWindows;
import lantern.explainer.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ExplainCommandTest {
    @TempDir
    Path dir;

    private String run(Object command, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            int rc = new CommandLine(command).execute(args);
            assertThat(rc).as(out.toString()).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    @Test
    void explainsRecordsFromAnOpenAiFileAndStoresTheResult() throws Exception {
        FeatureRecords fr = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
        Path file = dir.resolve("neuron.json");
        Files.writeString(file, NeuronRecordJson.write(fr));
        // OpenAI's files carry no tags: the statistical explainer falls back to tokens and positions
        String out = run(new ExplainCommand(), "test/0/mlp/1", "--records", file.toString(), "--no-embedding",
                "--data", dir.resolve("data").toString());
        assertThat(out).contains("test/0/mlp/1  [statistical]").contains("simulation ").contains("20 held-out top + 20 random windows");
        assertThat(dir.resolve("data/explanations/test/0/mlp/1.json")).exists();

        String json = run(new ExplainCommand(), "test/0/mlp/1", "--records", file.toString(), "--no-embedding", "--json",
                "--data", dir.resolve("data").toString());
        assertThat(json).contains("\"feature\" : \"test/0/mlp/1\"").contains("\"nHeldOutTop\" : 20");
    }

    @Test
    void aMiniLmFeatureGetsTheCausalCheckUnlessToldNot() throws Exception {
        FeatureRecords fr = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
        Path file = dir.resolve("neuron.json");
        Files.writeString(file, NeuronRecordJson.write(fr));
        String data = dir.resolve("data").toString();
        // the windows are real Brown text: ablating MiniLM's neuron 0/mlp/1 (the file names it) on them is a real check
        String out = run(new ExplainCommand(), "minilm-l6/0/mlp/1", "--records", file.toString(), "--no-embedding", "--data", data);
        assertThat(out).containsPattern("causal +-?[01]\\.\\d{3} \\[-?[01]\\.\\d{3}, -?[01]\\.\\d{3}\\] \\(zero-ablate minilm-l6/0/mlp/1: embedding change [0-9.]+ on 16 top vs [0-9.]+ on 16 random windows");
        String json = run(new ExplainCommand(), "minilm-l6/0/mlp/1", "--records", file.toString(), "--no-embedding", "--json", "--data", data);
        assertThat(json).contains("\"intervention\" : \"zero-ablate minilm-l6/0/mlp/1\"");
        String off = run(new ExplainCommand(), "minilm-l6/0/mlp/1", "--records", file.toString(), "--no-embedding", "--no-causal", "--data", data);
        assertThat(off).contains("simulation ").doesNotContain("causal");
    }

    @Test
    void benchRunsAgainstTheStub() {
        Path data = BrownWindows.dir().getParent().getParent();
        String out = run(new BenchExplainCommand(), "--neurons", "2", "--delay-ms", "5", "--concurrency", "4", "--data", data.toString());
        // per neuron: 1 explanation + 40 simulations + 4 detection batches + fuzzing batches + intruder groups
        assertThat(out).containsPattern("\\d+ LLM calls \\((4[6-9]|5\\d|6\\d)\\.\\d per neuron\\), 0 failed").contains("neurons/min").contains("ratio");
    }
}

package lantern.service.cli;

import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lantern heads} on a small random-weight GPT-2 folder: the table, the named heads, and bad input. */
class HeadsCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTheHeadTableAndNamesTheStrongestHeads() throws Exception {
        Path model = TinyModels.writeGpt2(dir.resolve("g"), TinyModels.SMALL, TinyModels.gpt2Weights(TinyModels.SMALL, 5), "F32", "");
        String out = CliRun.run(new HeadsCommand(), "--model", model.toString(), "--length", "8", "--batch", "2",
                "--data", dir.toString());
        assertThat(out).contains("model g: 2 layers x 4 heads; 2 rows of 8 random tokens (seed 0) repeated once after 0 frame tokens")
                .containsPattern("clean loss: first copy \\d+\\.\\d{4}, repeated copy \\d+\\.\\d{4} nats/token; ablation: zero")
                .contains("strongest previous-token heads: L").contains("strongest induction heads: L")
                .contains("strongest loss increase when ablated heads: L");
        assertThat(out.lines().filter(l -> l.matches("[01] +[0-3] +.*"))).hasSize(8);

        String json = CliRun.run(new HeadsCommand(), "--model", model.toString(), "--tokens", "4,9,2", "--ablation", "none",
                "--json", "--data", dir.toString());
        assertThat(json).contains("\"tokens\" : [ 4, 9, 2 ]").contains("\"ablation\" : \"none\"");

        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int rc = new CommandLine(new HeadsCommand()).execute("--model", model.toString(), "--tokens", "4,640",
                    "--data", dir.toString());
            assertThat(rc).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString()).contains("error: token id 640 (at index 1) is outside the vocabulary");
    }
}

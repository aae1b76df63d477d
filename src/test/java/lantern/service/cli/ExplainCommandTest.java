package lantern.service.cli;

import lantern.bench.BenchExplainCommand;
import lantern.api.FeatureRecords;
import lantern.explainer.openai.NeuronRecordJson;
import lantern.collect.testing.BrownWindows;
import lantern.collect.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static lantern.service.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

class ExplainCommandTest {
    @TempDir
    Path dir;

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
    void scoresAGivenExplanationOfRecordsFromAnOpenAiFileOnTheWindowsAskedFor() throws Exception {
        FeatureRecords fr = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
        Path file = dir.resolve("neuron.json");
        Files.writeString(file, NeuronRecordJson.write(fr));
        String data = dir.resolve("data").toString();
        String out = run(new ScoreCommand(), "test/0/mlp/1", "--records", file.toString(), "--no-embedding",
                "--explanation", "the tokens 'the', 'of'", "--windows", "5", "--data", data);
        assertThat(out).contains("test/0/mlp/1  [user]").contains("5 held-out top + 5 random windows")
                .containsPattern("simulation -?\\d\\.\\d{3}");
        String json = run(new ScoreCommand(), "test/0/mlp/1", "--records", file.toString(), "--no-embedding", "--json",
                "--explanation", "the tokens 'the', 'of'", "--data", data);
        assertThat(json).contains("\"explainer\" : \"user\"").contains("\"text\" : \"the tokens 'the', 'of'\"")
                .contains("\"nHeldOutTop\" : 20");
        assertThat(Files.readString(dir.resolve("data/explanations/test/0/mlp/1.json"))).contains("\"user\"");
    }

    @Test
    void aMiniLmFeatureGetsTheCausalCheckUnlessToldNot() throws Exception {
        FeatureRecords fr = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
        Path file = dir.resolve("neuron.json");
        Files.writeString(file, NeuronRecordJson.write(fr));
        String data = dir.resolve("data").toString();
        // the windows are real Brown text: ablating MiniLM's neuron 0/mlp/1 (the file names it) on them is a real check
        String out = run(new ExplainCommand(), "minilm-l6/0/mlp/1", "--records", file.toString(), "--no-embedding", "--data", data);
        assertThat(out).containsPattern("causal +-?[01]\\.\\d{3}( \\[-?[01]\\.\\d{3}, -?[01]\\.\\d{3}\\])? \\(zero-ablate minilm-l6/0/mlp/1: embedding change [0-9.e+-]+ on 16 top vs [0-9.e+-]+ on 16 random windows");
        String json = run(new ExplainCommand(), "minilm-l6/0/mlp/1", "--records", file.toString(), "--no-embedding", "--json", "--data", data);
        assertThat(json).contains("\"intervention\" : \"zero-ablate minilm-l6/0/mlp/1\"");
        String off = run(new ExplainCommand(), "minilm-l6/0/mlp/1", "--records", file.toString(), "--no-embedding", "--no-causal", "--data", data);
        assertThat(off).contains("simulation ").doesNotContain("causal");
    }

    @Test
    void whenEverySimulationWindowFailsTheCommandSaysWhyOnOneLineAndExitsNonZero() throws Exception {
        FeatureRecords fr = Records.build("ca01", "cb02", 40, 20, (w, i) -> w.get(i).tag().equals("NNS") ? 3f : 0f);
        Path file = dir.resolve("neuron.json");
        Files.writeString(file, NeuronRecordJson.write(fr));
        var server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
        server.start();
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            // an LM Studio-like server: JSON answers, log-probs accepted and never returned
            String chat = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":%s},\"finish_reason\":\"stop\"}]}";
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(chat.formatted(mapper.writeValueAsString("0\n0")))));
            server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("Neuron 1")).atPriority(1)
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(chat.formatted(
                            mapper.writeValueAsString("{\"explanation\": \"plural nouns\"}")))));
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int rc = new CommandLine(new ExplainCommand()).execute("test/0/mlp/1", "--records", file.toString(), "--no-embedding",
                    "--explainer", "llm", "--simulator", "llm-logprob", "--base-url", server.baseUrl() + "/v1", "--model", "m",
                    "--data", dir.resolve("data").toString());
            assertThat(rc).as(out + "\n" + err).isEqualTo(1);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            server.stop();
        }
        assertThat(err.toString().lines().filter(l -> l.startsWith("lantern:")).toList()).singleElement().asString()
                .startsWith("lantern: every simulation window failed (40): the server returned no log-probs")
                .contains("--simulator llm-json");
        // the explanation and its failure reasons are still stored and printed; no tokens were reported: unknown, not 0
        assertThat(out.toString()).contains("plural nouns").contains("40 failed: the server returned no log-probs")
                .contains("unknown tokens");
        assertThat(dir.resolve("data/explanations/test/0/mlp/1.json")).exists();
        // one call found out the server has no log-probs (the others waited for it); the other 39 windows cost nothing
        assertThat(server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"logprobs\"")))).hasSize(1);
    }

    @Test
    void benchRunsAgainstTheStub() {
        Path data = BrownWindows.dir().getParent().getParent();
        String out = run(new BenchExplainCommand(), "--neurons", "2", "--delay-ms", "5", "--concurrency", "4", "--data", data.toString());
        // per neuron: 1 explanation + 40 simulations + 4 detection batches (fuzzing and intruder judges are opt-in)
        assertThat(out).containsPattern("\\d+ LLM calls \\(45\\.0 per neuron\\), 0 failed").contains("neurons/min").contains("ratio");
    }
}

package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.generate.GenerateRequest;
import lantern.api.generate.GenerationResult;
import lantern.core.ModelSource;
import lantern.core.TextGeneration;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continues a prompt with a decoder (KV cache), optionally by DoLa; prints the continuation on one "
                + "line.")
public class GenerateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--prompt", defaultValue = "",
            description = "Text to continue; empty (default) starts from BOS alone, as llama2.c's run does.")
    String prompt;

    @CommandLine.Option(names = "--max-tokens", defaultValue = "40")
    int maxTokens;

    @CommandLine.Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default).")
    float temperature;

    @CommandLine.Option(names = "--top-p", defaultValue = "1")
    float topP;

    @CommandLine.Option(names = "--seed", defaultValue = "0")
    long seed;

    @CommandLine.Option(names = "--dola", description = "DoLa: contrast with a premature layer; \"high\", \"low\" or "
            + "layers \"0,2,4\" (transformers' dola_layers). Prints each token's premature layer after the text.")
    String dola;

    @CommandLine.Option(names = "--repetition-penalty", defaultValue = "1",
            description = "CTRL repetition penalty over prompt and generated tokens, applied after the DoLa contrast "
                    + "(1 = none; transformers recommends 1.2 with DoLa).")
    float repetitionPenalty;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            GenerationResult g = new TextGeneration(ModelSource.loading(data.path(), model.tokenizer())).generate(
                    new GenerateRequest(model.model(), prompt, maxTokens, temperature, topP, seed, dola, repetitionPenalty));
            System.out.println(DecoderCli.oneLine(g.text()));
            if (g.dola() != null) {
                StringBuilder layers = new StringBuilder();
                for (GenerationResult.Token t : g.tokens()) {
                    layers.append(LensCommand.quote(t.token())).append('@').append(t.premature()).append(' ');
                }
                System.out.println("dola " + g.dola() + ", candidate layers " + java.util.Arrays.toString(g.candidates())
                        + "; premature layer per token: " + layers.toString().stripTrailing());
            }
            return 0;
        });
    }
}

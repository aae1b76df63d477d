package lantern.service.cli;

import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.Sampling;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continues a prompt with a decoder (KV cache); prints the continuation on one line.")
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

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            Sampling s = new Sampling(maxTokens, temperature, topP, seed);
            try (DecoderModel m = DecoderCli.load(model.model(), model.tokenizer(), data.path(), "generation")) {
                Generation g = Generator.withCache(m, Generator.promptIds(m, prompt), s, Hooks.none());
                System.out.println(DecoderCli.oneLine(g.text()));
            }
            return 0;
        });
    }
}

package lantern.cli;

import picocli.CommandLine;

import java.nio.file.Path;

/**
 * {@code --model} and {@code --tokenizer}, shared by the commands that load a model (a picocli mixin): a registered
 * name ({@code lantern models add}), {@code minilm-l6}, a Hugging Face folder or a llama2.c {@code .bin}.
 */
public class ModelOptions {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6",
            description = "minilm-l6, a registered decoder, a Hugging Face folder or a llama2.c .bin (default: ${DEFAULT-VALUE}).")
    String model;

    @CommandLine.Option(names = "--tokenizer", description = "tokenizer.bin (llama2.c) or a tokenizer.json elsewhere.")
    Path tokenizer;

    public String model() {
        return model;
    }

    public Path tokenizer() {
        return tokenizer;
    }
}

package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.DataOption;
import lantern.api.models.RegisteredModel;
import lantern.core.ModelCatalog;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "models", mixinStandardHelpOptions = true,
        description = "Local decoder models registered by name (<data>/models.json).",
        subcommands = {ModelsCommand.Add.class, ModelsCommand.ListModels.class})
public class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @CommandLine.Command(name = "add", mixinStandardHelpOptions = true,
            description = "Registers NAME for DIR (a Hugging Face directory or a llama2.c .bin), after checking it reads.")
    public static class Add implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", paramLabel = "NAME")
        String name;

        @CommandLine.Parameters(index = "1", paramLabel = "DIR")
        Path dir;

        @CommandLine.Option(names = "--tokenizer", description = "tokenizer.bin (llama2.c) or tokenizer.json elsewhere.")
        Path tokenizer;

        @CommandLine.Mixin
        DataOption dataOption;

        @Override
        public Integer call() {
            return DecoderCli.run(() -> {
                RegisteredModel c = new ModelCatalog(dataOption.path()).add(name, dir, tokenizer);
                System.out.printf("registered %s -> %s (%s, %d layers, d_model %d, %d heads / %d kv, vocab %d, "
                                + "context %d) in %s%n", name, c.path(), c.family(), c.layers(),
                        c.dModel(), c.heads(), c.kvHeads(), c.vocabSize(), c.contextLength(), c.registry());
                return 0;
            });
        }
    }

    @CommandLine.Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered models.")
    public static class ListModels implements Callable<Integer> {
        @CommandLine.Mixin
        DataOption dataOption;

        @Override
        public Integer call() {
            return DecoderCli.run(() -> {
                new ModelCatalog(dataOption.path()).list().forEach(e -> System.out.println(e.name() + "\t" + e.path()
                        + (e.tokenizer() == null ? "" : "\t" + e.tokenizer())));
                return 0;
            });
        }
    }
}

package lantern.service.cli;

import picocli.CommandLine;

/** {@code lantern sae train | eval}: sparse autoencoders over a hook point. */
@CommandLine.Command(name = "sae", mixinStandardHelpOptions = true, description = "Sparse autoencoders: train and evaluate.",
        subcommands = {SaeTrainCommand.class, SaeEvalCommand.class})
public class SaeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}

package lantern.service.cli;

import picocli.CommandLine;

@CommandLine.Command(name = "train", mixinStandardHelpOptions = true, subcommands = TrainDecoderCommand.class,
        description = "Train models here, offline: `train decoder` fits a small Llama decoder on Brown.")
public class TrainCommand {
}

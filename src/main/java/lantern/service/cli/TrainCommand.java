package lantern.service.cli;

import picocli.CommandLine;

@CommandLine.Command(name = "train", mixinStandardHelpOptions = true, subcommands = {TrainDecoderCommand.class, TrainTranscoderCommand.class},
        description = "Train models here, offline: `train decoder` fits a small Llama decoder on Brown; `train transcoder` fits per-layer MLP transcoders.")
public class TrainCommand {
}

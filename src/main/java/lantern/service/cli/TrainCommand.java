package lantern.service.cli;

import picocli.CommandLine;

@CommandLine.Command(name = "train", mixinStandardHelpOptions = true,
        subcommands = {TrainDecoderCommand.class, TrainTranscoderCommand.class, TrainVerbalizerCommand.class},
        description = "Train models here, offline: `train decoder` fits a small Llama decoder on Brown; `train transcoder` fits per-layer MLP transcoders; `train verbalizer` a decoder that reads hidden states back to text.")
public class TrainCommand {
}

package lantern.service;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;

@TopCommand
@CommandLine.Command(name = "lantern", mixinStandardHelpOptions = true,
        subcommands = {lantern.service.cli.ServeCommand.class, lantern.service.cli.CollectCommand.class, lantern.service.cli.ShowCommand.class,
                lantern.service.cli.BenchCommand.class, lantern.service.cli.SearchCommand.class},
        description = "Explains what the neurons and features inside a local language model do.")
public class LanternCommand {
}

package lantern.service;

import lantern.subject.MklDispatch;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import lantern.service.cli.*;
import picocli.CommandLine;

@TopCommand
@CommandLine.Command(name = "lantern", mixinStandardHelpOptions = true,
        subcommands = {
                ServeCommand.class,
                QuickstartCommand.class,
                CollectCommand.class,
                ShowCommand.class,
                ExplainCommand.class,
                LlmCommand.class,
                lantern.service.cli.ScoreCommand.class,
                GenerateCommand.class,
                lantern.service.cli.KnowledgeNeuronsCommand.class,
                LensCommand.class,
                HeadsCommand.class,
                PatchscopeCommand.class,
                ModelsCommand.class,
                lantern.service.cli.AttributeCommand.class,
                SearchCommand.class,
                AuditCommand.class,
                CausalCommand.class,
                SaeCommand.class,
                SteerCommand.class,
                IndexCommand.class,
                TrainCommand.class,
                FunctionVectorCommand.class,
                LreCommand.class,

        },
        description = "Explains what the neurons and features inside a local language model do.")
public class LanternCommand {
    static {
        MklDispatch.ensure();  // first thing the CLI and the service touch, before libtorch loads
    }

}

package lantern.service.cli;

import lantern.bench.BenchInterpretabilityCommand;
import lantern.bench.BenchSearchCommand;
import lantern.bench.BenchExplainCommand;
import lantern.bench.BenchGenerateCommand;
import lantern.api.causal.InterventionSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared --model/--tokenizer/--data mixins, and steer's intervention options. */
class SharedOptionsTest {
    @Test
    void mixinsGiveEveryCommandTheSameOptions() {
        for (Object cmd : new Object[]{new GenerateCommand(), new LensCommand(), new PatchscopeCommand(), new SteerCommand(), new BenchGenerateCommand()}) {
            CommandLine cl = new CommandLine(cmd);
            assertThat(cl.getCommandSpec().findOption("--model")).as(cmd.getClass().getSimpleName()).isNotNull();
            assertThat(cl.getCommandSpec().findOption("--tokenizer")).isNotNull();
            assertThat(cl.getCommandSpec().findOption("--data")).isNotNull();
        }
        for (Object cmd : new Object[]{new SaeTrainCommand(), new SaeEvalCommand(), new SearchCommand(), new BenchExplainCommand(),
                new BenchSearchCommand(), new BenchInterpretabilityCommand(), new ServeCommand(), new ModelsCommand.Add(), new ModelsCommand.ListModels(),
                new AuditCommand(), new CausalCommand(), new IndexCommand(), new QuickstartCommand(), new ScoreCommand()}) {
            assertThat(new CommandLine(cmd).getCommandSpec().findOption("--data")).as(cmd.getClass().getSimpleName()).isNotNull();
        }
        GenerateCommand g = new GenerateCommand();
        new CommandLine(g).parseArgs("--model", "m.bin", "--tokenizer", "tok.bin", "--data", "/d");
        assertThat(g.model.model()).isEqualTo("m.bin");
        assertThat(g.model.tokenizer()).isEqualTo(Path.of("tok.bin"));
        assertThat(g.data.path()).isEqualTo(Path.of("/d"));
        assertThat(g.prompt).isEmpty(); // no prompt: start from BOS
        ServeCommand s = new ServeCommand();
        new CommandLine(s).parseArgs("--port", "9090");
        assertThat(s.port).isEqualTo(9090);
    }

    @Test
    void steerOptionsBecomeInterventions() {
        SteerCommand c = new SteerCommand();
        new CommandLine(c).parseArgs("--model", "gpt2", "--prompt", "hi", "--add-direction", "food:2.5@blocks.3.hook_resid_post",
                "--ablate-neuron", "gpt2/1/mlp/7", "--clamp-neuron", "gpt2/1/mlp/8=2.5", "--clamp-sae", "gpt2/2/sae-resid_post-k8/3=4", "--ablate-sae", "gpt2/2/sae-resid_post-k8/5",
                "--max-tokens", "12", "--seed", "4");
        assertThat(c.specs()).containsExactly(
                InterventionSpec.addDirection("blocks.3.hook_resid_post", "food", 2.5f),
                InterventionSpec.ablateNeuron("gpt2/1/mlp/7"),
                new InterventionSpec("ablate-neuron", null, null, null, null, "gpt2/1/mlp/8", 2.5f),
                InterventionSpec.clampSae("gpt2/2/sae-resid_post-k8/3", 4f),
                InterventionSpec.ablateSae("gpt2/2/sae-resid_post-k8/5"));
        assertThat(c.maxTokens).isEqualTo(12);
        SteerCommand bad = new SteerCommand();
        new CommandLine(bad).parseArgs("--add-direction", "food");
        assertThatThrownBy(bad::specs).hasMessageContaining("NAME:SCALE");
    }
}

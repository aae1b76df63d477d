package lantern.service.cli;

import picocli.CommandLine;

/** Groups the benchmarks ({@code lantern bench forward}); other benchmarks can join as subcommands. */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {
                BenchForwardCommand.class,
                BenchGemmCommand.class,
                BenchExplainCommand.class,
                BenchGenerateCommand.class,
                BenchDolaCommand.class,
                BenchSearchCommand.class,
                BenchInterpretabilityCommand.class,
                BenchFaithfulnessCommand.class,
                BenchLabelsCommand.class,
                BenchChineseCommand.class,
                BenchChineseSearchCommand.class,
                BenchChineseCrossCommand.class,
                BenchFuzzCommand.class,
                BenchGraphCommand.class,
                BenchLoadCommand.class,
                BenchSaeCommand.class,
                BenchSelfReportCommand.class,
        })
public class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}

package lantern.bench;

import picocli.CommandLine;

/**
 * {@code lantern bench ...}: the benchmarks, run by the launcher from this module (never part of the shipped app),
 * as a plain picocli program on the same class path as the app's dependencies.
 */
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
    static {
        lantern.subject.MklDispatch.ensure();  // before libtorch loads, as the app's top command does
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}

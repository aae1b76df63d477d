package lantern.train;

import lantern.subject.decoder.DecoderModel;
import lantern.train.DecoderTrainer;

import java.nio.file.Path;

/**
 * Child process of {@link VerbalizerTrainingCrashTest}: {@code <dataDir> <delayMs>} trains the fixture's tiny
 * verbalizer (10 steps, a checkpoint every 3) on one libtorch thread, pausing {@code delayMs} after each step.
 * Prints "STEP step total", "NOTE ..." and "TRAINED dir".
 */
public final class VerbalizerCrashMain {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        long delayMs = Long.parseLong(args[1]);
        DecoderTrainer.setThreads(1);
        say("MKL " + lantern.subject.MklDispatch.ensure());
        try (DecoderModel subject = VerbalizerFixture.load()) {
            var r = new VerbalizerTrainingRun(data).run(VerbalizerFixture.options("verb", 10, 3),
                    VerbalizerFixture.data(subject), new DecoderTrainingRun.Listener() {
                        @Override
                        public void note(String line) {
                            say("NOTE " + line);
                        }

                        @Override
                        public void onStep(long step, long total, DecoderTrainer.StepResult res, double tps,
                                           double eta) {
                            say("STEP " + step + " " + total);
                            if (delayMs > 0) {
                                try {
                                    Thread.sleep(delayMs);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }
                    });
            say("TRAINED " + r.dir());
        }
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}

package lantern.train;

import lantern.train.DecoderTrainer;

import java.nio.file.Path;

/**
 * Child process of {@link DecoderTrainingCrashTest}: {@code <dataDir> <delayMs>} trains
 * {@link DecoderTrainingCrashTest#OPTIONS} on one libtorch thread into {@code dataDir}, pausing {@code delayMs} after
 * each step so the parent can kill it mid-run. Prints "STEP step total" after every step (its checkpoint, when one is
 * due, is on disk by then), "NOTE ..." for each note and "TRAINED dir" at the end.
 */
public final class CrashTrainMain {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        long delayMs = Long.parseLong(args[1]);
        DecoderTrainer.setThreads(1);
        var r = new DecoderTrainingRun(data).run(DecoderTrainingCrashTest.OPTIONS, new DecoderTrainingRun.Listener() {
            @Override
            public void note(String line) {
                say("NOTE " + line);
            }

            @Override
            public void onStep(long step, long total, DecoderTrainer.StepResult res, double tps, double eta) {
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
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}

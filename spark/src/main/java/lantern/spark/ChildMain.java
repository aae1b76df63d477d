package lantern.spark;

import java.io.IOException;
import java.util.Arrays;

/**
 * Runs another main class and exits when standard input ends: the process a {@link LoopbackCluster} starts (a
 * Master, a Worker) thus never outlives whoever started it, even when that one is killed with {@code kill -9} (its
 * end of the pipe closes). A Worker that exits this way stops its executors (its shutdown hook kills them, and each
 * executor watches its Worker). Usage: {@code ChildMain MAIN_CLASS [ARGS...]}.
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent: wait for the end
                }
            } catch (IOException e) {
                // the pipe broke: same as its end
            }
            System.exit(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}

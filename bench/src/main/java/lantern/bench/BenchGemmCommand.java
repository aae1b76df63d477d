package lantern.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import lantern.subject.MklDispatch;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "fp32 matrix-multiply GFLOP/s of libtorch on MiniLM's shapes (32 sequences of 64 tokens) and on "
                + "2048^3, and which MKL kernels are in use. Compare with LANTERN_MKL_AVX512=false.")
public class BenchGemmCommand implements Callable<Integer> {
    private static final int[][] SHAPES = {{2048, 384, 1152}, {2048, 384, 384}, {2048, 384, 1536}, {2048, 1536, 384}, {2048, 2048, 2048}};
    private static final String[] NAMES = {"QKV", "attention out", "MLP in", "MLP out", "2048^3"};

    @CommandLine.Option(names = "--seconds", defaultValue = "1", description = "Time per shape (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        MklDispatch.State state = MklDispatch.ensure();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            System.out.printf("MKL dispatch: %s; libtorch threads: %d%n", state, JniUtils.getNumThreads());
            for (int i = 0; i < SHAPES.length; i++) {
                int[] s = SHAPES[i];
                NDArray a = m.randomUniform(-1, 1, new Shape(s[0], s[1]));
                NDArray b = m.randomUniform(-1, 1, new Shape(s[1], s[2]));
                for (int w = 0; w < 3; w++) a.matMul(b).close();
                int reps = 0;
                long t0 = System.nanoTime();
                long limit = (long) (seconds * 1e9);
                while (System.nanoTime() - t0 < limit) {
                    a.matMul(b).close();
                    reps++;
                }
                double perCall = (System.nanoTime() - t0) / 1e9 / reps;
                System.out.printf("%-14s %5d x %5d x %5d   %7.2f ms   %6.1f GFLOP/s%n", NAMES[i], s[0], s[1], s[2],
                        perCall * 1e3, 2.0 * s[0] * s[1] * s[2] / perCall / 1e9);
                a.close();
                b.close();
            }
        }
        return 0;
    }
}

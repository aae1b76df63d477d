package lantern.subject;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Lets the MKL inside libtorch run its AVX-512 GEMM kernels on AMD CPUs that have AVX-512.
 *
 * <p>MKL chooses kernels by vendor: where the CPU does not report "GenuineIntel" it runs its AVX2 path, whatever the
 * CPU supports. On this project's AMD EPYC (Zen 5) that halves fp32 GEMM: 65–85 GFLOP/s per core instead of 125–200
 * ({@code ./lantern bench gemm}, with and without {@code LANTERN_MKL_AVX512=false}). libtorch reaches MKL's vendor check, {@code mkl_serv_intel_cpu_true}, through its
 * dynamic symbol table, so a one-function library ({@code subject-model/src/main/native/mkl_vendor.c}, built by Maven
 * when a C compiler exists) opened with {@code RTLD_GLOBAL} before libtorch answers that check instead. Done only on
 * Linux x86-64 AMD CPUs with AVX-512 F, DQ, BW and VL; off with {@code -Dlantern.mkl-avx512=false} or
 * {@code LANTERN_MKL_AVX512=false}. Results stay within the parity test's 1e-4 of ONNX Runtime.
 */
public final class MklDispatch {
    /** What {@link #ensure()} found. */
    public enum State {
        /** The shim is loaded: MKL takes its AVX-512 path. */
        ENABLED,
        /** Not an AMD x86-64 Linux CPU with AVX-512: nothing to change. */
        NOT_NEEDED,
        /** Turned off by the user. */
        DISABLED,
        /** The shim library was not built (no C compiler at build time) or could not be opened. */
        UNAVAILABLE,
        /** libtorch was loaded before this ran; its MKL keeps the AVX2 path for this process. */
        TOO_LATE
    }

    private static final Logger LOG = Logger.getLogger(MklDispatch.class.getName());
    private static final String RESOURCE = "/native/linux-x86_64/liblantern_mkl_vendor.so";
    private static final String FILE_PREFIX = "lantern-mkl-vendor";
    /** libtorch's CPU library, as /proc/self/maps names it once loaded. */
    private static final String LIBTORCH = "libtorch_cpu.so";
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final Set<String> NEEDED_FLAGS = Set.of("avx512f", "avx512dq", "avx512bw", "avx512vl");

    private static State state;
    @SuppressWarnings("unused") // held so the library is never closed
    private static NativeLibrary shim;

    private MklDispatch() {
    }

    /** Loads the shim once per process when it applies; call before anything loads libtorch. */
    public static synchronized State ensure() {
        HugePageTensors.ensure(); // the other setting libtorch reads only once, when it loads
        if (state == null) state = decide();
        return state;
    }

    private static State decide() {
        String setting = System.getProperty("lantern.mkl-avx512", System.getenv().getOrDefault("LANTERN_MKL_AVX512", "true"));
        if (setting.equalsIgnoreCase("false") || setting.equalsIgnoreCase("off")) return State.DISABLED;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) return State.NOT_NEEDED;
        String cpuinfo;
        String maps;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            maps = Files.readString(Path.of("/proc/self/maps"));
        } catch (IOException e) {
            return State.NOT_NEEDED;
        }
        if (!needsShim(cpuinfo)) return State.NOT_NEEDED;
        // Loaded already in this process, e.g. by this class in another class loader (Quarkus tests run the app in
        // its own): the process-wide symbol is in place.
        if (maps.contains(FILE_PREFIX)) return State.ENABLED;
        if (maps.contains(LIBTORCH)) {
            LOG.warning("libtorch was loaded before MklDispatch.ensure(): MKL keeps its AVX2 path (about half speed)");
            return State.TOO_LATE;
        }
        try (InputStream in = MklDispatch.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                LOG.info("MKL vendor shim not built (no C compiler at build time): libtorch GEMM runs MKL's AVX2 path");
                return State.UNAVAILABLE;
            }
            Path file = extract(in.readAllBytes());
            shim = NativeLibrary.getInstance(file.toString(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
            return State.ENABLED;
        } catch (IOException | UnsatisfiedLinkError e) {
            LOG.warning("cannot load the MKL vendor shim (" + e.getMessage() + "): libtorch GEMM runs MKL's AVX2 path");
            return State.UNAVAILABLE;
        }
    }

    /** True when libtorch is mapped into this process already. */
    static boolean libtorchLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains(LIBTORCH);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the library to the temp folder under a name made of its content hash, once (temp file, then atomic
     * rename), so processes share one copy and a killed process leaves no stray file behind.
     */
    private static Path extract(byte[] bytes) throws IOException {
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path file = Path.of(System.getProperty("java.io.tmpdir"), FILE_PREFIX + "-" + hash + ".so");
        if (Files.isRegularFile(file) && Files.size(file) == bytes.length) return file;
        Path tmp = Files.createTempFile(file.getParent(), FILE_PREFIX, ".tmp");
        Files.write(tmp, bytes);
        // readable by other users' processes that find it under the same name (createTempFile makes it owner-only)
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** True for an AMD CPU whose first processor entry lists every AVX-512 subset MKL's kernels use. */
    static boolean needsShim(String cpuinfo) {
        boolean amd = false;
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("vendor_id")) amd = value.equals("AuthenticAMD");
            if (key.equals("flags")) {
                flags = new HashSet<>(Arrays.asList(value.split("\\s+")));
                break;
            }
        }
        return amd && flags.containsAll(NEEDED_FLAGS);
    }
}

package lantern.subject;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MklDispatchTest {
    private static final String AMD_AVX512 = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 26
            flags\t\t: fpu sse2 avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16
            """;

    @Test
    void shimOnlyForAmdCpusWithTheAvx512SubsetsMklUses() {
        assertThat(MklDispatch.needsShim(AMD_AVX512)).isTrue();
        assertThat(MklDispatch.needsShim(AMD_AVX512.replace("AuthenticAMD", "GenuineIntel"))).isFalse();
        assertThat(MklDispatch.needsShim(AMD_AVX512.replace(" avx512bw", ""))).isFalse();
        assertThat(MklDispatch.needsShim("vendor_id : AuthenticAMD\nflags : fpu sse2 avx2 fma\n")).isFalse();
        assertThat(MklDispatch.needsShim("")).isFalse();
    }

    @Test
    void loadedBeforeLibtorchWhereverItApplies() throws Exception {
        // The test session listener ran ensure() before any test touched libtorch.
        MklDispatch.State state = MklDispatch.ensure();
        boolean applies = Files.isReadable(Path.of("/proc/cpuinfo"))
                && MklDispatch.needsShim(Files.readString(Path.of("/proc/cpuinfo")))
                && MklDispatch.class.getResource("/native/linux-x86_64/liblantern_mkl_vendor.so") != null
                && !"false".equalsIgnoreCase(System.getenv("LANTERN_MKL_AVX512"));
        if (applies) {
            assertThat(state).isEqualTo(MklDispatch.State.ENABLED);
        } else {
            assertThat(state).isNotEqualTo(MklDispatch.State.ENABLED);
        }
    }
}

package lantern.subject;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HugePageTensorsTest {
    @Test
    void setBeforeLibtorchLoadsSoItsLargeTensorsAreAdvisedOntoHugePages() throws IOException {
        // The test session listener ran MklDispatch.ensure(), and with it this, before any test touched libtorch.
        HugePageTensors.State state = HugePageTensors.ensure();
        boolean linux = System.getProperty("os.name", "").toLowerCase().contains("linux");
        boolean off = "false".equalsIgnoreCase(System.getenv("LANTERN_THP_ALLOC"));
        String user = System.getenv(HugePageTensors.VARIABLE);
        if (!linux) {
            assertThat(state).isEqualTo(HugePageTensors.State.UNAVAILABLE);
            return;
        }
        if (off) {
            assertThat(state).isEqualTo(HugePageTensors.State.DISABLED);
            return;
        }
        if (user != null) {
            assertThat(state).isEqualTo(HugePageTensors.State.USER_VALUE);
            assertThat(HugePageTensors.nativeValue()).isEqualTo(user);
            return;
        }
        assertThat(state).isEqualTo(HugePageTensors.State.ENABLED);
        assertThat(HugePageTensors.nativeValue()).isEqualTo("1");
        // With the switch libtorch advises the kernel to back an allocation of 2 MB or more with huge pages
        // (madvise MADV_HUGEPAGE, shown as "hg" among the mapping's VmFlags); without it, it never does.
        if (!Files.isReadable(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"))) return; // no THP in this kernel
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int i = 0; i < 3; i++) {
                NDArray big = m.ones(new Shape(32, 64, 3072)).mul(2f); // 25 MB, as a GPT-2-small MLP activation
                ByteBuffer data = big.toByteBuffer(true);
                long address = Pointer.nativeValue(Native.getDirectBufferPointer(data));
                assertThat(vmFlags(address)).as("VmFlags of the mapping of a 25 MB tensor").contains("hg");
                assertThat(data.getFloat(0)).isEqualTo(2f);
            }
        }
    }

    /** The VmFlags of the mapping in /proc/self/smaps that holds {@code address}. */
    private static List<String> vmFlags(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
            } else if (inside && line.startsWith("VmFlags:")) {
                return List.of(line.substring("VmFlags:".length()).trim().split("\\s+"));
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(address));
    }

    @Test
    void aSecondCallAnswersTheFirstCallsState() {
        assertThat(HugePageTensors.ensure()).isSameAs(HugePageTensors.ensure());
    }
}

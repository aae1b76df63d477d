package lantern.subject.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsF32F16Bf16() throws IOException {
        float[] v = {1.5f, -2.25f, 3.0e-3f, 65504f, -0.1f, 7f};
        Path p = tmp.resolve("a.safetensors");
        new SafetensorsWriter().add("f32", v, new long[]{2, 3}, "F32").add("f16", v, new long[]{6}, "F16")
                .add("bf16", v, new long[]{3, 2}, "BF16").write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.tensors().keySet()).containsExactly("f32", "f16", "bf16");
            assertThat(f.info("bf16").shape()).containsExactly(3, 2);
            assertThat(f.readFloats("f32")).containsExactly(v);
            for (int i = 0; i < v.length; i++) {
                assertThat(f.readFloats("f16")[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(v[i])));
                assertThat(f.readFloats("bf16")[i]).isCloseTo(v[i], org.assertj.core.data.Percentage.withPercentage(1));
            }
        }
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        Path p = tmp.resolve("t.safetensors");
        new SafetensorsWriter().add("w", new float[100], 10, 10).write(p);
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, all.length - 7));
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void wrongHeaderIsRefused() throws IOException {
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(tiny)).hasMessageContaining("shorter");

        Path huge = tmp.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> SafetensorsFile.open(huge)).hasMessageContaining("header length");

        assertThatThrownBy(() -> SafetensorsFile.open(write("{not json"))).hasMessageContaining("JSON");
        assertThatThrownBy(() -> SafetensorsFile.open(write(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}")))
                .hasMessageContaining("needs 16 bytes");
        assertThatThrownBy(() -> SafetensorsFile.open(write(
                "{\"w\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}")))
                .hasMessageContaining("unsupported safetensors dtype I8");
        assertThatThrownBy(() -> SafetensorsFile.open(write("[1,2]"))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> SafetensorsFile.open(tmp.resolve("missing.safetensors")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path write(String header) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = Files.createTempFile(tmp, "h", ".safetensors");
        Files.write(p, b.array());
        return p;
    }
}

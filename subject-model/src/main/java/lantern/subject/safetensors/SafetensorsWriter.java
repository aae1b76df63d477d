package lantern.subject.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes fp32 arrays as a safetensors file (stored as F32, F16 or BF16), to a temp file that is then renamed into
 * place. Used for small checkpoints (tests, sparse autoencoders).
 */
public final class SafetensorsWriter {
    private record Entry(float[] data, long[] shape, String dtype) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public SafetensorsWriter add(String name, float[] data, long[] shape, String dtype) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) throw new IllegalArgumentException(name + ": shape does not match " + data.length);
        SafetensorsFile.bytesPer(dtype);
        entries.put(name, new Entry(data, shape, dtype));
        return this;
    }

    public SafetensorsWriter add(String name, float[] data, long... shape) {
        return add(name, data, shape, "F32");
    }

    public void write(Path path) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        for (var e : entries.entrySet()) {
            long len = (long) e.getValue().data.length * SafetensorsFile.bytesPer(e.getValue().dtype);
            header.put(e.getKey(), Map.of("dtype", e.getValue().dtype, "shape", e.getValue().shape,
                    "data_offsets", new long[]{offset, offset + len}));
            offset += len;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8;
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) padded[i] = (byte) ' ';
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), ".st", ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length).array());
            out.write(padded);
            for (Entry e : entries.values()) {
                int w = SafetensorsFile.bytesPer(e.dtype);
                ByteBuffer b = ByteBuffer.allocate(e.data.length * w).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : e.data) {
                    switch (e.dtype) {
                        case "F32" -> b.putFloat(f);
                        case "F16" -> b.putShort(Float.floatToFloat16(f));
                        default -> b.putShort((short) (Float.floatToIntBits(f) >>> 16)); // BF16: truncate
                    }
                }
                out.write(b.array());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

}

package lantern.subject.sae;

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
import java.util.TreeMap;

/**
 * Writes float32 tensors as a safetensors file: an 8-byte little-endian header length, a JSON header
 * ({@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}}) padded
 * with spaces to a multiple of 8, then the raw little-endian data. Tensors are laid out in name order (as the
 * Python library does), so the same tensors always give the same bytes. Written to a temp file, then renamed.
 */
public final class SafeTensorsWriter {
    private record Entry(float[] data, long[] shape) {
    }

    private final Map<String, Entry> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    public SafeTensorsWriter add(String name, float[] data, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
        if (tensors.put(name, new Entry(data, shape.clone())) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        return this;
    }

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public void write(Path path) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", metadata);
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long len = 4L * e.getValue().data.length;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", e.getValue().shape);
            info.put("data_offsets", new long[]{offset, offset + len});
            header.put(e.getKey(), info);
            offset += len;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        Path abs = path.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(json);
                for (int i = json.length; i < padded; i++) out.write(' ');
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Entry e : tensors.values()) {
                    for (float f : e.data) {
                        if (!buf.hasRemaining()) {
                            out.write(buf.array(), 0, buf.position());
                            buf.clear();
                        }
                        buf.putFloat(f);
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
            readableByAll(tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temp files are created owner-only; a saved SAE should be readable like any other file. */
    static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep the default
        }
    }
}

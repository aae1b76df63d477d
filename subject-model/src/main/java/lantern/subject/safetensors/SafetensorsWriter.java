package lantern.subject.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes fp32 arrays as a safetensors file (stored as F32, F16 or BF16): an 8-byte little-endian header length, a
 * JSON header ({@code {"__metadata__": {...}, "name": {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}}})
 * padded with spaces to a multiple of 8, then the raw little-endian data. Tensors are laid out in the order they
 * were added, or in name order after {@link #inNameOrder()} (as the Python library does for one dtype), so the same
 * tensors always give the same bytes. Written to a temp file that is then renamed into place. Used for small
 * checkpoints (tests, sparse autoencoders).
 */
public final class SafetensorsWriter {
    private record Entry(float[] data, long[] shape, String dtype) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();
    private boolean nameOrder;

    public SafetensorsWriter add(String name, float[] data, long[] shape, String dtype) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
        SafetensorsFile.bytesPer(dtype);
        if (entries.put(name, new Entry(data, shape.clone(), dtype)) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        return this;
    }

    public SafetensorsWriter add(String name, float[] data, long... shape) {
        return add(name, data, shape, "F32");
    }

    /** A string entry of the header's {@code __metadata__} (written in key order; omitted when there is none). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Lays tensors out in name order instead of the order they were added. */
    public SafetensorsWriter inNameOrder() {
        nameOrder = true;
        return this;
    }

    public void write(Path path) throws IOException {
        List<Map.Entry<String, Entry>> layout = new ArrayList<>(entries.entrySet());
        if (nameOrder) layout.sort(Map.Entry.comparingByKey());
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", metadata);
        long offset = 0;
        for (var e : layout) {
            long len = (long) e.getValue().data.length * SafetensorsFile.bytesPer(e.getValue().dtype);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.getValue().dtype);
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
                for (var e : layout) {
                    String dtype = e.getValue().dtype;
                    for (float f : e.getValue().data) {
                        if (buf.remaining() < 4) {
                            out.write(buf.array(), 0, buf.position());
                            buf.clear();
                        }
                        switch (dtype) {
                            case "F32" -> buf.putFloat(f);
                            case "F16" -> buf.putShort(Float.floatToFloat16(f));
                            default -> buf.putShort((short) (Float.floatToIntBits(f) >>> 16)); // BF16: truncate
                        }
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

    /** Temp files are created owner-only; a saved checkpoint should be readable like any other file. */
    public static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep the default
        }
    }
}

package lantern.subject.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file, read lazily: the header is parsed and checked up front (every tensor's byte range must match
 * its dtype and shape and lie inside the file), the data is memory-mapped one tensor at a time when asked for.
 * F32, F16 and BF16 tensors are widened to fp32 in Java, because DJL's PyTorch engine has no bfloat16.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Header sizes beyond this are a corrupt or hostile file, not a real checkpoint (the format caps it at 100 MB). */
    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates a file; every problem with it is an IllegalArgumentException naming the file. */
    public static SafetensorsFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no safetensors file at " + path);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 8) throw bad(path, "shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 1 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw bad(path, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw bad(path, "header is not valid JSON (" + e.getMessage() + ")");
            }
            if (root == null || !root.isObject()) throw bad(path, "header is not a JSON object");
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataLen));
            }
            return new SafetensorsFile(path, ch, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            closeQuietly(ch);
            throw new IllegalArgumentException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode n, long dataLen) {
        if (!n.isObject() || !n.path("dtype").isTextual() || !n.path("shape").isArray()
                || !n.path("data_offsets").isArray() || n.path("data_offsets").size() != 2) {
            throw bad(path, "tensor '" + name + "' has a malformed entry");
        }
        String dtype = n.get("dtype").asText();
        int width = bytesPer(dtype);
        long[] shape = new long[n.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = n.get("shape").get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) throw bad(path, "tensor '" + name + "' has a bad shape");
            shape[i] = d.asLong();
        }
        JsonNode off = n.get("data_offsets");
        if (!off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw bad(path, "tensor '" + name + "' has non-integer data offsets");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(info.elementCount(), (long) width);
        } catch (ArithmeticException e) {
            throw bad(path, "tensor '" + name + "' is impossibly large");
        }
        if (begin < 0 || end < begin || end - begin != expected) {
            throw bad(path, "tensor '" + name + "' spans bytes [" + begin + ", " + end + ") but " + dtype
                    + " " + java.util.Arrays.toString(shape) + " needs " + expected + " bytes");
        }
        if (end > dataLen) {
            throw bad(path, "tensor '" + name + "' ends at byte " + end + " but the data section holds only "
                    + dataLen + " bytes (truncated file?)");
        }
        return info;
    }

    /** Bytes per element of the dtypes we can widen to fp32; anything else is refused with a clear message. */
    static int bytesPer(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("unsupported safetensors dtype " + dtype
                    + " (supported: F32, F16, BF16)");
        };
    }

    private static IllegalArgumentException bad(Path path, String why) {
        return new IllegalArgumentException("corrupt safetensors file " + path + ": " + why);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do for a file we are giving up on
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("tensor '" + name + "' is not in " + path);
        return t;
    }

    /**
     * Elements {@code [from, to)} of the flattened tensor as fp32 bytes in native order. F32 data is returned as
     * the memory-mapped region itself (no copy: DJL wraps it as it is); F16/BF16 are widened into a new direct
     * buffer.
     */
    public ByteBuffer readFp32(String name, long from, long to) {
        TensorInfo t = info(name);
        if (from < 0 || to > t.elementCount() || from > to || to - from > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("bad element range [" + from + ", " + to + ") of " + name);
        }
        int width = bytesPer(t.dtype());
        int count = (int) (to - from);
        MappedByteBuffer src;
        try {
            src = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin() + from * width,
                    (long) count * width);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot map " + name + " of " + path + ": " + e.getMessage(), e);
        }
        src.order(ByteOrder.LITTLE_ENDIAN);
        if (t.dtype().equals("F32") && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            return src;
        }
        ByteBuffer out = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        var s = src.asShortBuffer();
        switch (t.dtype()) {
            case "F32" -> f.put(src.asFloatBuffer());
            case "F16" -> {
                for (int i = 0; i < count; i++) f.put(i, Float.float16ToFloat(s.get(i)));
            }
            case "BF16" -> {
                for (int i = 0; i < count; i++) f.put(i, Float.intBitsToFloat((s.get(i) & 0xffff) << 16));
            }
            default -> throw new IllegalStateException(t.dtype());
        }
        return out;
    }

    /** The whole tensor as a float array (small tensors; tests). */
    public float[] readFloats(String name) {
        FloatBuffer f = readFp32(name, 0, info(name).elementCount()).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] a = new float[f.remaining()];
        f.get(a);
        return a;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}

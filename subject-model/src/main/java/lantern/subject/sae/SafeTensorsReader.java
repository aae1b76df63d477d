package lantern.subject.sae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a small safetensors file (an SAE's weights) into float arrays, widening F16 and BF16 to float32. The file
 * is memory-mapped; every header entry is checked (dtype, shape against byte range, range inside the file) before
 * any data is read.
 */
public final class SafeTensorsReader {
    public record Tensor(String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final Path path;
    private final ByteBuffer data;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafeTensorsReader(Path path, ByteBuffer data) {
        this.path = path;
        this.data = data;
    }

    public static SafeTensorsReader open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IllegalArgumentException(path + " is not a safetensors file (too short)");
            ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = all.getLong(0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
                throw new IllegalArgumentException(path + ": bad safetensors header length " + headerLen);
            }
            byte[] json = new byte[(int) headerLen];
            all.get(8, json);
            ByteBuffer body = all.slice(8 + (int) headerLen, (int) (size - 8 - headerLen)).order(ByteOrder.LITTLE_ENDIAN);
            SafeTensorsReader r = new SafeTensorsReader(path, body);
            r.parseHeader(new ObjectMapper().readTree(json));
            return r;
        }
    }

    private void parseHeader(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException(path + ": header is not a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText("");
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                default -> throw new IllegalArgumentException(path + ": tensor " + e.getKey() + " has unsupported dtype '" + dtype + "'");
            };
            JsonNode shapeNode = t.path("shape");
            JsonNode off = t.path("data_offsets");
            if (!shapeNode.isArray() || !off.isArray() || off.size() != 2) {
                throw new IllegalArgumentException(path + ": tensor " + e.getKey() + " lacks shape or data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asLong(-1);
            Tensor tensor = new Tensor(dtype, shape, off.get(0).asLong(-1), off.get(1).asLong(-1));
            if (tensor.begin < 0 || tensor.end > data.capacity() || tensor.end - tensor.begin != tensor.elements() * width) {
                throw new IllegalArgumentException(path + ": tensor " + e.getKey() + " has inconsistent shape/offsets");
            }
            tensors.put(e.getKey(), tensor);
        }
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Tensor info(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(path + " has no tensor '" + name + "'; it has " + tensors.keySet());
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor as float32, row-major. */
    public float[] floats(String name) {
        Tensor t = info(name);
        if (t.elements() > Integer.MAX_VALUE) throw new IllegalArgumentException(name + " is too large for one array");
        float[] out = new float[(int) t.elements()];
        int base = (int) t.begin;
        switch (t.dtype) {
            case "F32" -> data.slice(base, out.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(data.getShort(base + 2 * i));
            }
            case "BF16" -> {
                for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((data.getShort(base + 2 * i) & 0xffff) << 16);
            }
            default -> throw new IllegalStateException(t.dtype);
        }
        return out;
    }
}

package lantern.subject.onnx;

import com.google.protobuf.CodedInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model we need, read straight from the protobuf wire format (no generated classes):
 * initializers (name, shape, float data) and nodes (name, op type, inputs, outputs).
 *
 * <p>Field numbers: ModelProto.graph 7; GraphProto node 1, initializer 5; TensorProto dims 1, data_type 2,
 * float_data 4, name 8, raw_data 9; NodeProto input 1, output 2, name 3, op_type 4.
 */
public final class OnnxGraph {
    private static final int FLOAT = 1;

    public record Tensor(String name, long[] dims, float[] data) {
    }

    public record Node(String name, String opType, List<String> inputs, List<String> outputs) {
    }

    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    private OnnxGraph() {
    }

    public static OnnxGraph parse(byte[] model) throws IOException {
        OnnxGraph g = new OnnxGraph();
        CodedInputStream in = CodedInputStream.newInstance(model);
        in.setSizeLimit(Integer.MAX_VALUE);
        boolean sawGraph = false;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (tag >>> 3 == 7) {
                g.readGraph(in.readBytes().newCodedInput());
                sawGraph = true;
            } else {
                in.skipField(tag);
            }
        }
        if (!sawGraph) throw new IOException("not an ONNX model: no graph");
        return g;
    }

    private void readGraph(CodedInputStream in) throws IOException {
        in.setSizeLimit(Integer.MAX_VALUE);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> nodes.add(readNode(in.readBytes().newCodedInput()));
                case 5 -> {
                    Tensor t = readTensor(in.readBytes().newCodedInput());
                    if (t != null) initializers.put(t.name(), t);
                }
                default -> in.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        String name = "";
        String op = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> inputs.add(in.readString());
                case 2 -> outputs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> op = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, List.copyOf(inputs), List.copyOf(outputs));
    }

    /** Returns null for non-float tensors (shape constants etc.), which the forward pass does not need. */
    private static Tensor readTensor(CodedInputStream in) throws IOException {
        in.setSizeLimit(Integer.MAX_VALUE);
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floats = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            switch (field) {
                case 1 -> {
                    if (wire == 2) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) dims.add(in.readInt64());
                        in.popLimit(limit);
                    } else {
                        dims.add(in.readInt64());
                    }
                }
                case 2 -> type = in.readInt32();
                case 4 -> {
                    if (wire == 2) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) floats.add(in.readFloat());
                        in.popLimit(limit);
                    } else {
                        floats.add(in.readFloat());
                    }
                }
                case 8 -> name = in.readString();
                case 9 -> raw = in.readByteArray();
                default -> in.skipField(tag);
            }
        }
        if (type != FLOAT) return null;
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        float[] data;
        if (raw != null) {
            data = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        } else {
            data = new float[floats.size()];
            for (int i = 0; i < data.length; i++) data[i] = floats.get(i);
        }
        long expected = 1;
        for (long d : shape) expected *= d;
        if (expected != data.length) {
            throw new IOException("tensor " + name + " has " + data.length + " values, shape says " + expected);
        }
        return new Tensor(name, shape, data);
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** An initializer by name, or an error naming what is missing. */
    public Tensor initializer(String name) {
        Tensor t = initializers.get(name);
        if (t == null) throw new IllegalStateException("ONNX initializer missing: " + name);
        return t;
    }

    /**
     * The weight matrix of the MatMul node with this name: the node's input that is an initializer. ONNX exports
     * name these anonymously ({@code onnx::MatMul_787}); the node name says what it is.
     */
    public Tensor matMulWeight(String nodeName) {
        for (Node n : nodes) {
            if (n.name().equals(nodeName) && n.opType().equals("MatMul")) {
                for (String input : n.inputs()) {
                    Tensor t = initializers.get(input);
                    if (t != null) return t;
                }
            }
        }
        throw new IllegalStateException("no MatMul node with a weight named " + nodeName);
    }
}

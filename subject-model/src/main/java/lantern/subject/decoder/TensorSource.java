package lantern.subject.decoder;

import java.nio.ByteBuffer;

/** Named fp32 tensors, whatever the file format (safetensors shards, a llama2.c .bin). */
public interface TensorSource extends AutoCloseable {
    boolean has(String name);

    long[] shape(String name);

    /** Elements {@code [from, to)} of the flattened tensor as fp32 bytes in a direct native-order buffer. */
    ByteBuffer read(String name, long from, long to);

    @Override
    void close();
}

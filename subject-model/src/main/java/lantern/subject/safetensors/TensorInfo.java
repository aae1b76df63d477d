package lantern.subject.safetensors;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param begin byte offset of the data, relative to the start of the data section
 * @param end   exclusive end offset, relative to the start of the data section
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }
}

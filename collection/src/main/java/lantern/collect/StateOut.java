package lantern.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes a checkpoint file (or a collector state's bytes, {@link #toBytes}): little-endian primitives and
 * length-prefixed arrays through one direct buffer, with a CRC32C of every byte appended at the end so a reader can
 * tell a damaged file from a good one. Arrays go in bulk (a view buffer copy, not one call per float): a checkpoint
 * of all MiniLM neurons is ~100 MB.
 */
final class StateOut implements AutoCloseable {
    private static final int BUFFER = 1 << 20;
    private final WritableByteChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long bytes;

    /** Creates (or truncates) {@code file}. */
    StateOut(Path file) throws IOException {
        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    private StateOut(WritableByteChannel ch) {
        this.ch = ch;
    }

    /** What {@code body} writes, checksum included, as bytes (a collector state sent between processes). */
    static byte[] toBytes(Body body) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (StateOut out = new StateOut(Channels.newChannel(bytes))) {
            body.write(out);
            out.finish();
        }
        return bytes.toByteArray();
    }

    interface Body {
        void write(StateOut out) throws IOException;
    }

    StateOut putInt(int v) throws IOException {
        room(4);
        buf.putInt(v);
        return this;
    }

    StateOut putLong(long v) throws IOException {
        room(8);
        buf.putLong(v);
        return this;
    }

    StateOut putString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putInt(b.length);
        for (int at = 0; at < b.length; ) {
            room(1);
            int len = Math.min(buf.remaining(), b.length - at);
            buf.put(b, at, len);
            at += len;
        }
        return this;
    }

    /** The array's length, then its elements. */
    StateOut putFloats(float[] a) throws IOException {
        putInt(a.length);
        return putFloats(a, 0, a.length);
    }

    /** {@code len} elements without a length prefix (for arrays written in parts). */
    StateOut putFloats(float[] a, int from, int len) throws IOException {
        for (int at = from, end = from + len; at < end; ) {
            room(4);
            int n = Math.min(buf.remaining() / 4, end - at);
            buf.asFloatBuffer().put(a, at, n);
            buf.position(buf.position() + 4 * n);
            at += n;
        }
        return this;
    }

    StateOut putInts(int[] a) throws IOException {
        putInt(a.length);
        for (int at = 0; at < a.length; ) {
            room(4);
            int n = Math.min(buf.remaining() / 4, a.length - at);
            buf.asIntBuffer().put(a, at, n);
            buf.position(buf.position() + 4 * n);
            at += n;
        }
        return this;
    }

    StateOut putLongs(long[] a) throws IOException {
        putInt(a.length);
        for (int at = 0; at < a.length; ) {
            room(8);
            int n = Math.min(buf.remaining() / 8, a.length - at);
            buf.asLongBuffer().put(a, at, n);
            buf.position(buf.position() + 8 * n);
            at += n;
        }
        return this;
    }

    StateOut putBytes(byte[] a) throws IOException {
        putInt(a.length);
        for (int at = 0; at < a.length; ) {
            room(1);
            int n = Math.min(buf.remaining(), a.length - at);
            buf.put(a, at, n);
            at += n;
        }
        return this;
    }

    StateOut putDoubles(double[] a) throws IOException {
        putInt(a.length);
        for (int at = 0; at < a.length; ) {
            room(8);
            int n = Math.min(buf.remaining() / 8, a.length - at);
            buf.asDoubleBuffer().put(a, at, n);
            buf.position(buf.position() + 8 * n);
            at += n;
        }
        return this;
    }

    /** Bytes written so far, the checksum excluded. */
    long bytes() {
        return bytes + buf.position();
    }

    /** Appends the checksum of everything written and forces a file to the device. */
    void finish() throws IOException {
        flush();
        ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).flip();
        while (tail.hasRemaining()) ch.write(tail);
        if (ch instanceof FileChannel f) f.force(true);
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) flush();
    }

    private void flush() throws IOException {
        buf.flip();
        bytes += buf.remaining();
        crc.update(buf.duplicate());
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}

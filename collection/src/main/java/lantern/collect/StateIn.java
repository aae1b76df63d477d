package lantern.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads what {@link StateOut} wrote. The checksum is checked over the whole file before anything is parsed, and
 * every array's length is checked against the length the reader expects before it is allocated, so a damaged file
 * ends in a {@link CorruptCheckpointException}, never in a wrong state or an out-of-memory error.
 */
final class StateIn implements AutoCloseable {
    private static final int BUFFER = 1 << 20;
    private final SeekableByteChannel ch;
    private final long body;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long read;

    /** Opens {@code file} and checks its checksum; throws if it does not match. */
    StateIn(Path file) throws IOException {
        this(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Reads what {@link StateOut#toBytes} gave; throws if the checksum does not match. */
    StateIn(byte[] bytes) throws IOException {
        this(new BytesChannel(bytes));
    }

    private StateIn(SeekableByteChannel channel) throws IOException {
        ch = channel;
        try {
            long size = ch.size();
            if (size < 8) throw new CorruptCheckpointException("only " + size + " bytes long");
            body = size - 8;
            verifyChecksum();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        buf.limit(0);
    }

    private void verifyChecksum() throws IOException {
        CRC32C crc = new CRC32C();
        long at = 0;
        while (at < body) {
            buf.clear().limit((int) Math.min(BUFFER, body - at));
            int n = ch.position(at).read(buf);
            if (n < 0) throw new CorruptCheckpointException("ends early");
            at += n;
            crc.update(buf.flip());
        }
        ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        while (tail.hasRemaining()) {
            if (ch.position(body + tail.position()).read(tail) < 0) throw new CorruptCheckpointException("ends early");
        }
        long stored = tail.flip().getLong();
        if (stored != crc.getValue()) {
            throw new CorruptCheckpointException("checksum mismatch (stored " + Long.toHexString(stored) + ", computed "
                    + Long.toHexString(crc.getValue()) + "): the file is damaged or was cut short");
        }
    }

    int getInt() throws IOException {
        need(4);
        return buf.getInt();
    }

    long getLong() throws IOException {
        need(8);
        return buf.getLong();
    }

    String getString() throws IOException {
        int len = getLength(1 << 20, "string");
        byte[] b = new byte[len];
        for (int at = 0; at < len; ) {
            need(1);
            int n = Math.min(buf.remaining(), len - at);
            buf.get(b, at, n);
            at += n;
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A length prefix, checked to be in {@code 0..max}. */
    int getLength(long max, String what) throws IOException {
        int len = getInt();
        if (len < 0 || len > max) throw new CorruptCheckpointException(what + " length " + len + " outside 0.." + max);
        return len;
    }

    /** A length prefix of an array still to be read, checked against the bytes left in the file. */
    int getArrayLength(int elementBytes, String what) throws IOException {
        long left = body - read + buf.remaining() - 4;
        return getLength(Math.max(0, left / elementBytes), what);
    }

    /** A length-prefixed float array of a length only the file knows (after {@link #getArrayLength} checks). */
    float[] floats(String what) throws IOException {
        float[] a = new float[getArrayLength(4, what)];
        floats(a, 0, a.length);
        return a;
    }

    /** A length-prefixed float array into {@code into}, whose length it must have. */
    void floats(float[] into, String what) throws IOException {
        expectLength(into.length, what);
        floats(into, 0, into.length);
    }

    /** {@code len} floats without a length prefix into {@code a} from {@code from}. */
    void floats(float[] a, int from, int len) throws IOException {
        for (int at = from, end = from + len; at < end; ) {
            need(4);
            int n = Math.min(buf.remaining() / 4, end - at);
            buf.asFloatBuffer().get(a, at, n);
            buf.position(buf.position() + 4 * n);
            at += n;
        }
    }

    /** A length-prefixed int array into {@code into}, whose length it must have. */
    void ints(int[] into, String what) throws IOException {
        expectLength(into.length, what);
        for (int at = 0; at < into.length; ) {
            need(4);
            int n = Math.min(buf.remaining() / 4, into.length - at);
            buf.asIntBuffer().get(into, at, n);
            buf.position(buf.position() + 4 * n);
            at += n;
        }
    }

    /** A length-prefixed long array into {@code into}, whose length it must have. */
    void longs(long[] into, String what) throws IOException {
        expectLength(into.length, what);
        for (int at = 0; at < into.length; ) {
            need(8);
            int n = Math.min(buf.remaining() / 8, into.length - at);
            buf.asLongBuffer().get(into, at, n);
            buf.position(buf.position() + 8 * n);
            at += n;
        }
    }

    /** A length-prefixed byte array into {@code into}, whose length it must have. */
    void bytes(byte[] into, String what) throws IOException {
        expectLength(into.length, what);
        for (int at = 0; at < into.length; ) {
            need(1);
            int n = Math.min(buf.remaining(), into.length - at);
            buf.get(into, at, n);
            at += n;
        }
    }

    /** A length-prefixed double array into {@code into}, whose length it must have. */
    void doubles(double[] into, String what) throws IOException {
        expectLength(into.length, what);
        for (int at = 0; at < into.length; ) {
            need(8);
            int n = Math.min(buf.remaining() / 8, into.length - at);
            buf.asDoubleBuffer().get(into, at, n);
            buf.position(buf.position() + 8 * n);
            at += n;
        }
    }

    /** Throws unless every byte before the checksum has been read. */
    void expectEnd() throws IOException {
        long left = body - read + buf.remaining();
        if (left != 0) throw new CorruptCheckpointException(left + " unexpected bytes after the state");
    }

    private void expectLength(int expected, String what) throws IOException {
        int len = getInt();
        if (len != expected) throw new CorruptCheckpointException(what + " holds " + len + " values, expected " + expected);
    }

    /** Makes at least {@code n} bytes available in the buffer, reading no further than the checksum. */
    private void need(int n) throws IOException {
        if (buf.remaining() >= n) return;
        buf.compact();
        while (buf.position() < n) {
            if (read >= body) throw new CorruptCheckpointException("ends early");
            int want = (int) Math.min(buf.remaining(), body - read);
            int saved = buf.limit();
            buf.limit(buf.position() + want);
            int got = ch.position(read).read(buf);
            buf.limit(saved);
            if (got < 0) throw new CorruptCheckpointException("ends early");
            read += got;
        }
        buf.flip();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    /** A read-only channel over a byte array. */
    private static final class BytesChannel implements SeekableByteChannel {
        private final byte[] bytes;
        private long position;

        BytesChannel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= bytes.length) return -1;
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long p) {
            position = p;
            return this;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}

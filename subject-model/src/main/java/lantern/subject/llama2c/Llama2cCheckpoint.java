package lantern.subject.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A llama2.c checkpoint ({@code run.c}'s legacy format: a 7-int header then fp32 weights; or export version 1:
 * a 256-byte header with magic "ak42"), offered under Hugging Face Llama tensor names so one loader serves both.
 *
 * <p>llama2.c's RoPE rotates adjacent pairs (2i, 2i+1) while HF Llama rotates the halves of each head. The q and k
 * rows are therefore permuted on read, within each head, exactly as HF's conversion script does: attention
 * scores are unchanged and HF-style RoPE then matches run.c's rotation.
 */
public final class Llama2cCheckpoint implements AutoCloseable {
    private static final int MAGIC = 0x616b3432;

    /** The header; {@code sharedClassifier} is true when the LM head is the embedding matrix. */
    public record Header(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen,
                         boolean sharedClassifier, int version) {
        public int headSize() {
            return dim / heads;
        }
    }

    private record Slot(long offset, long[] shape) {
    }

    private final Path path;
    private final FileChannel channel;
    private final Header header;
    private final Map<String, Slot> slots;

    private Llama2cCheckpoint(Path path, FileChannel channel, Header header, Map<String, Slot> slots) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.slots = slots;
    }

    public static Llama2cCheckpoint open(Path path) {
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException("no llama2.c checkpoint at " + path);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 28) throw bad(path, "shorter than the 28-byte header");
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(256, size)).order(ByteOrder.LITTLE_ENDIAN);
            while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
                // fill
            }
            Header h;
            long dataStart;
            if (head.getInt(0) == MAGIC) {
                int version = head.getInt(4);
                if (version != 1) {
                    throw bad(path, "llama2.c export version " + version
                            + " is not supported (only fp32 formats: legacy and version 1)");
                }
                if (size < 256) throw bad(path, "shorter than the 256-byte version 1 header");
                h = new Header(head.getInt(8), head.getInt(12), head.getInt(16), head.getInt(20), head.getInt(24),
                        head.getInt(28), head.getInt(32), head.get(36) != 0, 1);
                dataStart = 256;
            } else {
                int vocab = head.getInt(20);
                h = new Header(head.getInt(0), head.getInt(4), head.getInt(8), head.getInt(12), head.getInt(16),
                        Math.abs(vocab), head.getInt(24), vocab > 0, 0);
                dataStart = 28;
            }
            validate(path, h);
            Map<String, Slot> slots = new HashMap<>();
            long end = h.version() == 0 ? layoutLegacy(h, dataStart, slots) : layoutV1(h, dataStart, slots);
            if (size < end) {
                throw bad(path, "truncated: the header (dim " + h.dim() + ", " + h.layers() + " layers, vocab "
                        + h.vocabSize() + ") needs " + end + " bytes but the file has " + size);
            }
            return new Llama2cCheckpoint(path, ch, h, slots);
        } catch (IOException e) {
            close(ch);
            throw new IllegalArgumentException("cannot read llama2.c checkpoint " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    private static void validate(Path path, Header h) {
        if (h.dim() <= 0 || h.hiddenDim() <= 0 || h.layers() <= 0 || h.heads() <= 0 || h.kvHeads() <= 0
                || h.vocabSize() <= 0 || h.seqLen() <= 0 || h.dim() > 1 << 16 || h.hiddenDim() > 1 << 18
                || h.layers() > 1024 || h.vocabSize() > 1 << 22 || h.seqLen() > 1 << 22) {
            throw bad(path, "implausible header " + h + " (not a llama2.c checkpoint?)");
        }
        if (h.dim() % h.heads() != 0 || h.heads() % h.kvHeads() != 0 || h.headSize() % 2 != 0) {
            throw bad(path, "inconsistent header " + h + ": dim must split into heads, heads into kv heads");
        }
    }

    private static long layoutLegacy(Header h, long at, Map<String, Slot> s) {
        long d = h.dim();
        long kv = (long) h.kvHeads() * h.headSize();
        long f = h.hiddenDim();
        long v = h.vocabSize();
        at = put(s, "model.embed_tokens.weight", at, v, d);
        at = perLayer(s, h, "input_layernorm.weight", at, d);
        at = perLayer(s, h, "self_attn.q_proj.weight", at, d, d);
        at = perLayer(s, h, "self_attn.k_proj.weight", at, kv, d);
        at = perLayer(s, h, "self_attn.v_proj.weight", at, kv, d);
        at = perLayer(s, h, "self_attn.o_proj.weight", at, d, d);
        at = perLayer(s, h, "post_attention_layernorm.weight", at, d);
        at = perLayer(s, h, "mlp.gate_proj.weight", at, f, d);
        at = perLayer(s, h, "mlp.down_proj.weight", at, d, f);
        at = perLayer(s, h, "mlp.up_proj.weight", at, f, d);
        at = put(s, "model.norm.weight", at, d);
        at += 4L * h.seqLen() * h.headSize(); // legacy freq_cis_real + freq_cis_imag, unused
        if (!h.sharedClassifier()) at = put(s, "lm_head.weight", at, v, d);
        return at;
    }

    private static long layoutV1(Header h, long at, Map<String, Slot> s) {
        long d = h.dim();
        long kv = (long) h.kvHeads() * h.headSize();
        long f = h.hiddenDim();
        long v = h.vocabSize();
        at = perLayer(s, h, "input_layernorm.weight", at, d);
        at = perLayer(s, h, "post_attention_layernorm.weight", at, d);
        at = put(s, "model.norm.weight", at, d);
        at = put(s, "model.embed_tokens.weight", at, v, d);
        at = perLayer(s, h, "self_attn.q_proj.weight", at, d, d);
        at = perLayer(s, h, "self_attn.k_proj.weight", at, kv, d);
        at = perLayer(s, h, "self_attn.v_proj.weight", at, kv, d);
        at = perLayer(s, h, "self_attn.o_proj.weight", at, d, d);
        at = perLayer(s, h, "mlp.gate_proj.weight", at, f, d);
        at = perLayer(s, h, "mlp.down_proj.weight", at, d, f);
        at = perLayer(s, h, "mlp.up_proj.weight", at, f, d);
        if (!h.sharedClassifier()) at = put(s, "lm_head.weight", at, v, d);
        return at;
    }

    private static long perLayer(Map<String, Slot> s, Header h, String suffix, long at, long... shape) {
        for (int l = 0; l < h.layers(); l++) at = put(s, "model.layers." + l + "." + suffix, at, shape);
        return at;
    }

    private static long put(Map<String, Slot> s, String name, long at, long... shape) {
        s.put(name, new Slot(at, shape));
        long n = 1;
        for (long x : shape) n *= x;
        return at + 4 * n;
    }

    public Header header() {
        return header;
    }

    public Path path() {
        return path;
    }

    public boolean has(String name) {
        return slots.containsKey(name);
    }

    public long[] shape(String name) {
        return slot(name).shape().clone();
    }

    private Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) throw new IllegalArgumentException("llama2.c checkpoint has no tensor " + name);
        return s;
    }

    /** Elements [from, to) of a tensor as fp32 (q/k rows permuted to HF's half-rotation layout). */
    public ByteBuffer read(String name, long from, long to) {
        Slot s = slot(name);
        boolean permute = name.endsWith("q_proj.weight") || name.endsWith("k_proj.weight");
        long n = 1;
        for (long x : s.shape()) n *= x;
        if (from < 0 || to > n || from > to || to - from > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("bad element range of " + name);
        }
        if (permute && (from != 0 || to != n)) throw new IllegalArgumentException("q/k are read whole");
        int count = (int) (to - from);
        MappedByteBuffer src;
        try {
            src = channel.map(FileChannel.MapMode.READ_ONLY, s.offset() + 4 * from, 4L * count);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot map " + name + " of " + path + ": " + e.getMessage(), e);
        }
        src.order(ByteOrder.LITTLE_ENDIAN);
        if (!permute && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) return src; // zero copy: DJL wraps it
        FloatBuffer in = src.asFloatBuffer();
        ByteBuffer bytes = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        FloatBuffer out = bytes.asFloatBuffer();
        if (!permute) {
            out.put(in);
        } else {
            int rows = (int) s.shape()[0];
            int cols = (int) s.shape()[1];
            int hs = header.headSize();
            int half = hs / 2;
            for (int r = 0; r < rows; r++) {
                int head = r / hs;
                int within = r % hs;
                int oldWithin = within < half ? 2 * within : 2 * (within - half) + 1;
                int oldRow = head * hs + oldWithin;
                for (int c = 0; c < cols; c++) out.put(r * cols + c, in.get(oldRow * cols + c));
            }
        }
        return bytes;
    }

    private static IllegalArgumentException bad(Path path, String why) {
        return new IllegalArgumentException("bad llama2.c checkpoint " + path + ": " + why);
    }

    private static void close(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // giving up on this file anyway
        }
    }

    @Override
    public void close() {
        close(channel);
    }
}

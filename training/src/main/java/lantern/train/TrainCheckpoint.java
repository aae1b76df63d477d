package lantern.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A training run's full state: the settings it was started with (a JSON string the resuming run must match), the
 * step, the planned total steps, the losses so far, and every weight with its two AdamW moments. One file, written to
 * a temp file, fsynced and renamed into place; the last 8 bytes are a CRC32 of everything before them, so a torn or
 * damaged file is refused rather than resumed from.
 *
 * <p>Layout (little-endian): "LTRC", int version, int settings length + UTF-8 settings, long step, long total, int
 * losses + floats, int tensors, then per tensor: int n, n floats of values, of m, of v; long CRC32.
 */
public final class TrainCheckpoint {
    private static final int MAGIC = 0x4352544C; // "LTRC"
    private static final int VERSION = 1;

    public record State(String settings, long step, long totalSteps, float[] losses, float[][] values, float[][] m,
                        float[][] v) {
    }

    private TrainCheckpoint() {
    }

    public static void write(Path file, DecoderTrainer trainer, String settings, long totalSteps, float[] losses)
            throws IOException {
        write(file, trainer.parameters().tensors(), trainer.optimizer(), trainer.step(), settings, totalSteps, losses);
    }

    /** Any trainer's state: its tensors in a fixed order with their AdamW moments (the verbalizer's too). */
    public static void write(Path file, List<ModelParameters.Tensor> ts, AdamW optimizer, long step, String settings,
                             long totalSteps, float[] losses) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] s = settings.getBytes(StandardCharsets.UTF_8);
            ByteBuffer head = le(4 * 3 + s.length + 8 * 2 + 4 + 4 * losses.length + 4);
            head.putInt(MAGIC).putInt(VERSION).putInt(s.length).put(s).putLong(step).putLong(totalSteps)
                    .putInt(losses.length);
            for (float l : losses) head.putFloat(l);
            head.putInt(ts.size());
            put(ch, head, crc);
            for (int i = 0; i < ts.size(); i++) {
                float[] values = ts.get(i).values();
                put(ch, le(4).putInt(values.length), crc);
                for (float[] a : new float[][]{values, optimizer.firstMoments()[i], optimizer.secondMoments()[i]}) {
                    ByteBuffer b = le(4 * a.length);
                    b.asFloatBuffer().put(a);
                    b.position(b.capacity());
                    put(ch, b, crc);
                }
            }
            ByteBuffer tail = le(8).putLong(crc.getValue());
            tail.flip();
            while (tail.hasRemaining()) ch.write(tail);
            ch.force(true);
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(abs.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the rename itself is atomic
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void put(FileChannel ch, ByteBuffer b, CRC32 crc) throws IOException {
        b.flip();
        crc.update(b.array(), 0, b.limit());
        while (b.hasRemaining()) ch.write(b);
    }

    /** Reads a checkpoint; a damaged file is an IOException naming it. */
    public static State read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 12) throw new IOException("training checkpoint " + file + " is truncated");
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(all.length - 8) != crc.getValue()) {
            throw new IOException("training checkpoint " + file + " fails its CRC check (damaged or torn)");
        }
        if (b.getInt() != MAGIC || b.getInt() != VERSION) {
            throw new IOException(file + " is not a Lantern training checkpoint (version " + VERSION + ")");
        }
        byte[] s = new byte[b.getInt()];
        b.get(s);
        long step = b.getLong();
        long total = b.getLong();
        float[] losses = new float[b.getInt()];
        for (int i = 0; i < losses.length; i++) losses[i] = b.getFloat();
        int n = b.getInt();
        List<float[]> values = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = b.getInt();
            for (List<float[]> target : List.of(values, m, v)) {
                float[] a = new float[len];
                b.asFloatBuffer().get(a);
                b.position(b.position() + 4 * len);
                target.add(a);
            }
        }
        return new State(new String(s, StandardCharsets.UTF_8), step, total, losses,
                values.toArray(float[][]::new), m.toArray(float[][]::new), v.toArray(float[][]::new));
    }

    /** A trainer continuing from a checkpoint's state. */
    public static DecoderTrainer restore(TrainConfig config, State s) {
        ModelParameters p = ModelParameters.zeros(config.decoderConfig());
        AdamW opt = new AdamW(p.tensors(), config.beta1(), config.beta2());
        restoreInto(p.tensors(), opt, s);
        return new DecoderTrainer(config, p, opt, s.step());
    }

    /** Copies a checkpoint's values and moments into {@code ts} and {@code opt}, checking every size. */
    public static void restoreInto(List<ModelParameters.Tensor> ts, AdamW opt, State s) {
        if (ts.size() != s.values().length) throw new IllegalArgumentException("checkpoint holds "
                + s.values().length + " tensors, the model " + ts.size());
        for (int i = 0; i < ts.size(); i++) {
            if (ts.get(i).values().length != s.values()[i].length) {
                throw new IllegalArgumentException("checkpoint tensor " + ts.get(i).name() + " has the wrong size");
            }
            System.arraycopy(s.values()[i], 0, ts.get(i).values(), 0, s.values()[i].length);
            System.arraycopy(s.m()[i], 0, opt.firstMoments()[i], 0, s.m()[i].length);
            System.arraycopy(s.v()[i], 0, opt.secondMoments()[i], 0, s.v()[i].length);
        }
    }
}

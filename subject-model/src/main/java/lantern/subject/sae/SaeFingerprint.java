package lantern.subject.sae;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which SAE weights something was made from: {@code sha256:<hex>} over the config fields that change what the
 * features are (architecture, k, sizes, hook, input handling) and the tensors W_enc, b_enc, W_dec, b_dec (and a
 * JumpReLU threshold) as little-endian float32. Computed from the values, not the file bytes, so the SAE in memory
 * and the same SAE on disk agree whatever safetensors layout or metadata the file has.
 */
public final class SaeFingerprint {
    /** The folder's fingerprint and the state of its files when it was computed. */
    private record Cached(List<Object> stamp, String fingerprint) {
    }

    private static final Map<Path, Cached> ON_DISK = new ConcurrentHashMap<>();

    private SaeFingerprint() {
    }

    public static String of(SaeConfig cfg, SaeWeights w) {
        MessageDigest md = sha256();
        // explicit fields, not SaeConfig.toString(): a new config field must not make every collection stale
        String head = "lantern-sae-fingerprint-v1\narchitecture=" + cfg.architecture().cfgName() + "\nk=" + cfg.k()
                + "\nd_in=" + cfg.dIn() + "\nd_sae=" + cfg.dSae() + "\nhook=" + cfg.hookName()
                + "\napply_b_dec_to_input=" + cfg.applyBDecToInput()
                + "\nnormalize_activations=" + cfg.normalizeActivations() + "\n";
        md.update(head.getBytes(StandardCharsets.UTF_8));
        tensor(md, "W_enc", w.wEnc());
        tensor(md, "b_enc", w.bEnc());
        tensor(md, "W_dec", w.wDec());
        tensor(md, "b_dec", w.bDec());
        if (w.threshold() != null) tensor(md, "threshold", w.threshold());
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /**
     * The fingerprint of the SAE folder as it is on disk now (cfg.json + sae_weights.safetensors); cached while
     * neither file changes, so checking it per request costs two file-attribute reads.
     *
     * @throws NoSuchElementException when the folder holds no SAE
     */
    public static String ofFolder(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        List<Object> stamp = stamp(key);
        if (stamp == null) throw new lantern.errors.NotFoundException("no SAE at " + dir);
        Cached c = ON_DISK.get(key);
        if (c != null && c.stamp().equals(stamp)) return c.fingerprint();
        try {
            SaeConfig cfg = SaeLensFormat.readConfig(key);
            String fp = of(cfg, SaeLensFormat.readWeights(key, cfg));
            ON_DISK.put(key, new Cached(stamp, fp)); // a write during the read changes the stamp: the next call redoes it
            return fp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SAE in " + dir, e);
        }
    }

    /** Modification time, size and file key of cfg.json and the weights; null when either is missing. */
    static List<Object> stamp(Path dir) {
        try {
            BasicFileAttributes cfg = Files.readAttributes(dir.resolve(SaeLensFormat.CFG), BasicFileAttributes.class);
            BasicFileAttributes w = Files.readAttributes(dir.resolve(SaeLensFormat.WEIGHTS), BasicFileAttributes.class);
            return java.util.Arrays.asList(cfg.lastModifiedTime(), cfg.size(), cfg.fileKey(),
                    w.lastModifiedTime(), w.size(), w.fileKey());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SAE files in " + dir, e);
        }
    }

    private static void tensor(MessageDigest md, String name, float[] values) {
        md.update((name + ":" + values.length + "\n").getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!buf.hasRemaining()) {
                md.update(buf.flip());
                buf.clear();
            }
            buf.putFloat(v);
        }
        md.update(buf.flip());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}

package lantern.subject.decoder;

import lantern.subject.MklDispatch;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.llama2c.Llama2cCheckpoint;
import lantern.subject.llama2c.Llama2cTokenizer;
import lantern.subject.tokenize.HfTextTokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads decoders from what users bring: a Hugging Face directory ({@code config.json}, {@code *.safetensors},
 * {@code tokenizer.json}), a llama2.c {@code .bin} (with {@code tokenizer.bin} beside it or named), or a name
 * registered in {@code <dataDir>/models.json}.
 */
public final class DecoderModels {
    static {
        MklDispatch.ensure();  // before libtorch loads: MKL may then use AVX-512 on AMD
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private DecoderModels() {
    }

    /** A registered name, else a path. */
    public static DecoderModel load(String nameOrPath, Path dataDir) {
        DecoderRegistry registry = new DecoderRegistry(dataDir);
        if (registry.contains(nameOrPath)) {
            DecoderRegistry.Entry e = registry.get(nameOrPath);
            return load(nameOrPath, Path.of(e.path()), e.tokenizer() == null ? null : Path.of(e.tokenizer()));
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p)) {
            throw new lantern.errors.NotFoundException("no model named '" + nameOrPath + "' in " + registry.file()
                    + " and no such file or directory");
        }
        return load(p);
    }

    public static DecoderModel load(Path path) {
        return load(idOf(path), path, null);
    }

    /**
     * @param tokenizer for llama2.c: the tokenizer.bin (default: tokenizer.bin beside the checkpoint); for HF
     *                  directories: a tokenizer.json elsewhere (default: the one in the directory)
     */
    public static DecoderModel load(String id, Path path, Path tokenizer) {
        Path bin = llama2cBin(path);
        if (bin != null) return loadLlama2c(id, bin, tokenizer);
        if (HfCheckpoint.looksLike(path)) return loadHf(id, path, tokenizer);
        throw new IllegalArgumentException(path + " is neither a Hugging Face model directory (config.json, "
                + "*.safetensors, tokenizer.json) nor a llama2.c checkpoint (.bin)");
    }

    /** Checks that a path reads as a decoder without loading its weights; returns the config. */
    public static DecoderConfig describe(Path path, Path tokenizer) {
        Path bin = llama2cBin(path);
        if (bin != null) {
            try (Llama2cCheckpoint ck = Llama2cCheckpoint.open(bin)) {
                Llama2cTokenizer.load(tokenizerBin(bin, tokenizer), ck.header().vocabSize());
                return llama2cConfig(ck.header());
            }
        }
        if (HfCheckpoint.looksLike(path)) {
            DecoderConfig c = HfCheckpoint.readConfig(path);
            HfCheckpoint.tensors(path, c).close(); // opens and validates every shard header
            Path tj = tokenizer != null ? tokenizer : path.resolve("tokenizer.json");
            if (!Files.isRegularFile(tj)) throw new IllegalArgumentException("no tokenizer.json at " + tj);
            return c;
        }
        throw new IllegalArgumentException(path + " is neither a Hugging Face model directory nor a llama2.c .bin");
    }

    private static String idOf(Path path) {
        String n = path.toAbsolutePath().normalize().getFileName().toString();
        return n.endsWith(".bin") ? n.substring(0, n.length() - 4) : n;
    }

    /** The llama2.c checkpoint a path names: a .bin file, or the single non-tokenizer .bin of a folder. */
    private static Path llama2cBin(Path path) {
        if (Files.isRegularFile(path)) {
            if (path.getFileName().toString().endsWith(".bin")) return path;
            throw new IllegalArgumentException(path + " is not a model: expected a directory or a llama2.c .bin");
        }
        if (!Files.isDirectory(path)) throw new lantern.errors.NotFoundException("no model at " + path);
        if (Files.isRegularFile(path.resolve("config.json"))) return null;
        try (Stream<Path> s = Files.list(path)) {
            var bins = s.filter(p -> p.getFileName().toString().endsWith(".bin")
                    && !p.getFileName().toString().equals("tokenizer.bin")).toList();
            return bins.size() == 1 ? bins.get(0) : null;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    private static Path tokenizerBin(Path bin, Path tokenizer) {
        Path t = tokenizer != null ? tokenizer : bin.toAbsolutePath().getParent().resolve("tokenizer.bin");
        if (!Files.isRegularFile(t)) {
            throw new IllegalArgumentException("llama2.c checkpoint " + bin + " needs its tokenizer.bin (looked at "
                    + t + "; pass --tokenizer)");
        }
        return t;
    }

    static DecoderConfig llama2cConfig(Llama2cCheckpoint.Header h) {
        return new DecoderConfig("llama", h.layers(), h.dim(), h.heads(), h.kvHeads(), h.headSize(), h.hiddenDim(),
                h.vocabSize(), h.seqLen(), 1e-5f, 10000, null, h.sharedClassifier(),
                DecoderConfig.Activation.SWIGLU);
    }

    public static DecoderModel loadLlama2c(String id, Path bin, Path tokenizer) {
        try (Llama2cCheckpoint ck = Llama2cCheckpoint.open(bin)) {
            DecoderConfig c = llama2cConfig(ck.header());
            Llama2cTokenizer tok = Llama2cTokenizer.load(tokenizerBin(bin, tokenizer), c.vocabSize());
            TensorSource src = new TensorSource() {
                @Override
                public boolean has(String name) {
                    return ck.has(name);
                }

                @Override
                public long[] shape(String name) {
                    return ck.shape(name);
                }

                @Override
                public ByteBuffer read(String name, long from, long to) {
                    return ck.read(name, from, to);
                }

                @Override
                public void close() {
                    ck.close();
                }
            };
            // run.c stops when the model emits BOS (1): TinyStories separates stories that way.
            return build(id, c, src, tok, "llama2.c:" + bin.toAbsolutePath(), Set.of((long) Llama2cTokenizer.BOS),
                    (long) Llama2cTokenizer.BOS);
        }
    }

    public static DecoderModel loadHf(String id, Path dir, Path tokenizerJson) {
        DecoderConfig c = HfCheckpoint.readConfig(dir);
        HfTextTokenizer tok = HfTextTokenizer.load(tokenizerJson != null ? tokenizerJson : dir.resolve("tokenizer.json"),
                HfTextTokenizer.Options.DECODER);
        try (TensorSource src = HfCheckpoint.tensors(dir, c)) {
            return build(id, c, src, tok, "hf:" + dir.toAbsolutePath(), eosIds(dir), bosId(dir));
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    private static Set<Long> eosIds(Path dir) {
        Set<Long> ids = new HashSet<>();
        for (String f : new String[]{"config.json", "generation_config.json"}) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p)) continue;
            try {
                JsonNode eos = JSON.readTree(p.toFile()).path("eos_token_id");
                if (eos.isNumber()) ids.add(eos.asLong());
                if (eos.isArray()) eos.forEach(e -> ids.add(e.asLong()));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return ids;
    }

    /** {@code bos_token_id} of config.json (GPT-2: 50256, {@code <|endoftext|>}), or null. */
    private static Long bosId(Path dir) {
        Path p = dir.resolve("config.json");
        try {
            JsonNode bos = JSON.readTree(p.toFile()).path("bos_token_id");
            return bos.isNumber() ? bos.asLong() : null;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static DecoderModel build(String id, DecoderConfig c, TensorSource src, lantern.subject.TextTokenizer tok,
                                      String source, Set<Long> stop, Long bos) {
        NDManager m = NDManager.newBaseManager("PyTorch");
        try {
            DecoderWeights w = DecoderWeights.load(m, c, src);
            if (bos != null && (bos < 0 || bos >= c.vocabSize())) bos = null;
            return new DecoderModel(id, c, m, w, tok, source, stop, bos);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}

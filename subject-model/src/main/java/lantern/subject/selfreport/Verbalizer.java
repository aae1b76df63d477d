package lantern.subject.selfreport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.safetensors.SafetensorsFile;
import lantern.subject.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A trained verbalizer: a Llama decoder (an ordinary HF folder) plus the affine map that turns a state into its
 * soft tokens ({@code verbalizer.safetensors}: {@code map.weight [in, k d]}, {@code map.bias [k d]}) and its
 * {@link VerbalizerSpec}. {@link #verbalize} writes the text a state came from, greedily: BOS, the soft tokens,
 * then what the decoder generates until end of text.
 */
public final class Verbalizer implements AutoCloseable {
    public static final String SPEC_FILE = "verbalizer.json";
    public static final String MAP_FILE = "verbalizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final DecoderModel decoder;
    private final VerbalizerSpec spec;
    private final NDArray weight;
    private final NDArray bias;
    private final long bos;

    /** Takes ownership of {@code decoder}; the map is copied into its manager. */
    public Verbalizer(DecoderModel decoder, VerbalizerSpec spec, float[] weight, float[] bias) {
        this.decoder = decoder;
        this.spec = spec;
        int kd = spec.softTokens() * decoder.config().dModel();
        if (weight.length != (long) spec.inputWidth() * kd || bias.length != kd) {
            throw new IllegalArgumentException("verbalizer map has the wrong size for " + spec.inputWidth() + " -> "
                    + spec.softTokens() + " x " + decoder.config().dModel());
        }
        this.weight = decoder.manager().create(weight, new Shape(spec.inputWidth(), kd));
        this.bias = decoder.manager().create(bias, new Shape(kd));
        this.bos = decoder.bosId();
        if (bos < 0) throw new IllegalArgumentException("the verbalizer decoder has no BOS token");
    }

    /** True when {@code dir} holds a verbalizer (its spec file). */
    public static boolean isVerbalizer(Path dir) {
        return Files.isRegularFile(dir.resolve(SPEC_FILE)) && Files.isRegularFile(dir.resolve(MAP_FILE));
    }

    public static Verbalizer load(String id, Path dir) {
        VerbalizerSpec spec = readSpec(dir);
        float[] w;
        float[] b;
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(MAP_FILE))) {
            w = f.readFloats("map.weight");
            b = f.readFloats("map.bias");
        }
        DecoderModel d = DecoderModels.loadHf(id, dir, null);
        try {
            return new Verbalizer(d, spec, w, b);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    public static VerbalizerSpec readSpec(Path dir) {
        try {
            return JSON.readValue(dir.resolve(SPEC_FILE).toFile(), VerbalizerSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(SPEC_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Writes the spec and the map into {@code dir} (the HF folder is written by the trainer). */
    public static void writeMap(Path dir, VerbalizerSpec spec, float[] weight, float[] bias, int dModel)
            throws IOException {
        JSON.writeValue(dir.resolve(SPEC_FILE).toFile(), spec);
        int kd = spec.softTokens() * dModel;
        new SafetensorsWriter().inNameOrder().add("map.weight", weight, spec.inputWidth(), kd)
                .add("map.bias", bias, kd).write(dir.resolve(MAP_FILE));
    }

    public VerbalizerSpec spec() {
        return spec;
    }

    public DecoderModel decoder() {
        return decoder;
    }

    /** The prompt the soft tokens are written into: BOS then {@code k} placeholders (BOS again; replaced). */
    public long[] prompt() {
        long[] p = new long[1 + spec.softTokens()];
        Arrays.fill(p, bos);
        return p;
    }

    /** The text this state came from, as the verbalizer reads it (greedy, at most {@code spec.maxTokens()}). */
    public String verbalize(float[] state) {
        return generate(state).text();
    }

    /** As {@link #verbalize}, with the token ids written (end of text not included). */
    public Generation generate(float[] state) {
        return generate(state, 0);
    }

    /**
     * As {@link #generate(float[])}, writing at least {@code minTokens} tokens before end of text may end it (as
     * transformers' {@code min_new_tokens}: the stop tokens' scores are −∞ until then).
     */
    public Generation generate(float[] state, int minTokens) {
        return generate(state, minTokens, maxNewTokens());
    }

    /** The most tokens {@link #generate(float[])} writes: {@code spec.maxTokens() + 1}, or what the context leaves. */
    public int maxNewTokens() {
        return Math.min(decoder.config().contextLength() - 1 - spec.softTokens(), spec.maxTokens() + 1);
    }

    /** As {@link #generate(float[], int)}, writing at most {@code maxNew} tokens (bounded by the context). */
    public Generation generate(float[] state, int minTokens, int maxNew) {
        if (state.length != spec.inputWidth()) {
            throw new InvalidInputException("state has width " + state.length + ", the verbalizer reads "
                    + spec.inputWidth());
        }
        int room = decoder.config().contextLength() - 1 - spec.softTokens();
        try (NDManager m = decoder.manager().newSubManager()) {
            NDArray soft = SoftTokens.map(m.create(state, new Shape(1, state.length)), weight, bias,
                    spec.softTokens(), decoder.config().dModel());
            Hooks hooks = Hooks.none().replace(HookNames.EMBED, SoftTokens.at(soft));
            int[] passes = {0};
            Generator.Pass pass = (pm, ids, cache, h) -> {
                float[] logits = decoder.nextTokenLogits(pm, ids, cache, h);
                if (passes[0]++ < minTokens) {
                    for (long t : decoder.stopTokens()) logits[Math.toIntExact(t)] = Float.NEGATIVE_INFINITY;
                }
                return logits;
            };
            return Generator.withCache(decoder, prompt(), Sampling.greedy(Math.min(room, maxNew)),
                    hooks, Hooks.none(), pass, 1f);
        }
    }

    @Override
    public void close() {
        decoder.close();
    }
}

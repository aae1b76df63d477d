package lantern.collect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a collection must be run with for a checkpoint to be resumed: a resumed run continues the old run's
 * accumulators, so everything that decides which activations reach them, in which order, and how they are kept must be
 * equal (the model and feature kind, the SAE weights, the corpus and the exact token stream, every collect option,
 * and the batches the stream is cut into). Kept as named text fields, so a mismatch can say what differs.
 *
 * @param fields name to value, in a fixed order
 */
record CheckpointKey(Map<String, String> fields) {
    CheckpointKey {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    static CheckpointKey of(ActivationSource source, String corpus, TokenStream stream, CollectOptions opt,
                            int[] layers, int batches) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model", source.modelId());
        f.put("kind", source.kind());
        f.put("saeFingerprint", String.valueOf(source.saeFingerprint()));
        f.put("width", Integer.toString(source.width()));
        f.put("corpus", corpus);
        f.put("tokens", Long.toString(stream.tokens()));
        f.put("sequences", Integer.toString(stream.sequences()));
        f.put("streamSha256", digest(stream));
        f.put("layers", Arrays.toString(layers));
        f.putAll(optionFields(opt));
        f.put("batches", Integer.toString(batches));
        return new CheckpointKey(f);
    }

    /**
     * Every collect option that changes what is stored, as text in a fixed order: the checkpoint key's and the
     * {@linkplain CollectionPlan#fingerprint() plan fingerprint}'s one list, so a new option is added once.
     */
    static Map<String, String> optionFields(CollectOptions opt) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("topK", Integer.toString(opt.topK()));
        f.put("halfWindow", Integer.toString(opt.halfWindow()));
        f.put("batchSize", Integer.toString(opt.batchSize()));
        f.put("seed", Long.toString(opt.seed()));
        f.put("randomWindows", Integer.toString(opt.randomWindows()));
        f.put("quantileLevels", Arrays.toString(opt.quantileLevels()));  // Double.toString round-trips exactly
        f.put("quantileSamples", Integer.toString(opt.quantileSamples()));
        f.put("quantileBins", Integer.toString(opt.quantileBins()));
        f.put("perBin", Integer.toString(opt.perBin()));
        f.put("quantileSequences", Integer.toString(opt.quantileSequences()));
        return f;
    }

    /**
     * SHA-256 of what the model reads: the text token ids, where each sequence starts, and the special ids around
     * every sequence. (Tags and document names are not hashed: they do not change any activation.)
     */
    static String digest(TokenStream stream) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            update(md, stream.ids());
            update(md, stream.seqStart());
            ByteBuffer special = ByteBuffer.allocate(8 * (2 + stream.prefix().length + stream.suffix().length))
                    .order(ByteOrder.LITTLE_ENDIAN);
            special.putLong(stream.prefix().length);
            for (long id : stream.prefix()) special.putLong(id);
            special.putLong(stream.suffix().length);
            for (long id : stream.suffix()) special.putLong(id);
            md.update(special.flip());
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The array's length and elements, a block at a time (streams can hold hundreds of millions of tokens). */
    private static void update(MessageDigest md, int[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(a.length);
        for (int at = 0; at < a.length; ) {
            int n = Math.min(b.remaining() / 4, a.length - at);
            b.asIntBuffer().put(a, at, n);
            b.position(b.position() + 4 * n);
            at += n;
            md.update(b.flip());
            b.clear();
        }
        if (b.position() > 0) md.update(b.flip());
    }

    /** The fields that differ from {@code stored}, as "name: stored -> this" (empty when they all match). */
    List<String> differencesFrom(CheckpointKey stored) {
        List<String> out = new ArrayList<>();
        for (String name : fields.keySet()) {
            String was = stored.fields.get(name);
            if (!fields.get(name).equals(was)) out.add(name + ": " + shorten(was) + " -> " + shorten(fields.get(name)));
        }
        for (String name : stored.fields.keySet()) {
            if (!fields.containsKey(name)) out.add(name + ": " + shorten(stored.fields.get(name)) + " -> (none)");
        }
        return out;
    }

    private static String shorten(String s) {
        if (s == null) return "(none)";
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}

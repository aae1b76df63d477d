package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A collection cut short after some batches and started again continues from its checkpoint and ends exactly (every
 * stored array, bit for bit) as an uninterrupted run; a checkpoint of another run, or one that is damaged, is not
 * used and the run starts fresh with a note saying why.
 */
class CheckpointResumeTest {
    static final int[] LAYERS = {0, 2};
    static FunctionSource source;
    static TokenStream stream;
    static CollectOptions options;
    static int batches;
    static CollectionResult reference;

    @BeforeAll
    static void collectUninterrupted() {
        source = new FunctionSource(3, 40);
        stream = new Chunker(MiniLmTokenizer.get(), 64).chunk(ChunkerTest.files("ca01", "ca02"), 3000);
        // 300 samples out of ~3,000 tokens: the per-batch token sampling is exercised, not bypassed by a rate of 1.
        options = new CollectOptions(LAYERS, 5, 4, 7, 42L, 6, CollectOptions.DEFAULT_LEVELS, 300, 3, 2, 30);
        batches = CollectionPlan.batchesByLength(stream, options.batchSize()).size();
        assertThat(batches).as("enough batches to cut short anywhere").isGreaterThan(5);
        reference = new ActivationCollector(source, options).collect(stream, "brown-part", null);
    }

    @AfterAll
    static void close() {
        source.manager.close();
    }

    /** Stands in for a process that dies: its forward pass fails once {@code batches} batches have run. */
    static final class DyingSource extends ForwardingActivationSource {
        final int batches;
        int calls;

        DyingSource(ActivationSource inner, int batches) {
            super(inner);
            this.batches = batches;
        }

        @Override
        public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
            if (calls++ == batches) throw new IllegalStateException("killed after " + batches + " batches");
            return inner.neurons(m, ids, lengths, layers);
        }
    }

    /** Runs until the source dies after {@code k} batches, checkpointing after every batch. */
    static void interruptAfter(int k, Path work, CollectOptions opt, TokenStream s, List<String> notes) {
        try (Checkpoints cp = Checkpoints.open(work, CheckpointPolicy.everyBatches(1), notes::add)) {
            ActivationCollector dying = new ActivationCollector(new DyingSource(source, k), opt);
            assertThatThrownBy(() -> dying.collect(s, "brown-part", null, cp)).hasMessageContaining("killed after " + k);
        }
        assertThat(work.resolve(Checkpoints.FILE)).as("the checkpoint outlives the run").isRegularFile();
    }

    /** Runs to the end from whatever checkpoint {@code work} holds, then deletes it as a stored collection would. */
    static CollectionResult finish(Path work, CheckpointPolicy policy, CollectOptions opt, TokenStream s,
                                   List<String> notes, List<Progress> progress) {
        try (Checkpoints cp = Checkpoints.open(work, policy, notes::add)) {
            CollectionResult r = new ActivationCollector(source, opt).collect(s, "brown-part", progress::add, cp);
            cp.finished();
            return r;
        }
    }

    @Test
    void cutShortAfterAnyBatchAndResumedEqualsUninterrupted(@TempDir Path tmp) {
        for (int k = 1; k < batches; k++) {
            Path work = tmp.resolve("k" + k);
            interruptAfter(k, work, options, stream, new ArrayList<>());
            List<String> notes = new ArrayList<>();
            List<Progress> progress = new ArrayList<>();
            CollectionResult resumed = finish(work, CheckpointPolicy.everyBatches(1), options, stream, notes, progress);

            assertThat(notes).as("k=%d", k).singleElement().asString()
                    .startsWith("resuming from the checkpoint").contains("(batch " + k + " of " + batches + ")");
            Progress firstReport = progress.get(0);
            assertThat(firstReport.resumedTokens()).isPositive().isEqualTo(firstReport.tokensDone());
            assertThat(progress).filteredOn(p -> p.phase().equals("collect")).last()
                    .satisfies(p -> assertThat(p.tokensDone()).isEqualTo(stream.tokens()));
            SameResult.assertSame(resumed, reference);
            assertThat(work).as("work folder deleted once finished").doesNotExist();
        }
    }

    @Test
    void cutShortTwiceAndResumedEqualsUninterrupted(@TempDir Path work) {
        interruptAfter(2, work, options, stream, new ArrayList<>());
        List<String> notes = new ArrayList<>();
        // the second run resumes at batch 2 and dies after 3 more batches
        interruptAfter(3, work, options, stream, notes);
        assertThat(notes).singleElement().asString().contains("(batch 2 of");
        notes.clear();
        CollectionResult resumed = finish(work, CheckpointPolicy.everyBatches(1), options, stream, notes, new ArrayList<>());
        assertThat(notes).singleElement().asString().contains("(batch 5 of");
        SameResult.assertSame(resumed, reference);
    }

    @Test
    void checkpointsByTimeAreWrittenAndResumed(@TempDir Path work) throws Exception {
        // An interval of a nanosecond is due after every batch; an hour never is in a run this short.
        try (Checkpoints cp = Checkpoints.open(work, CheckpointPolicy.every(Duration.ofNanos(1)), s -> { })) {
            new ActivationCollector(source, options).collect(stream, "brown-part", null, cp);
            assertThat(cp.stats().count()).isEqualTo(batches - 1);  // none after the last batch
            assertThat(cp.stats().lastBytes()).isEqualTo(Files.size(cp.file()));
        }
        Files.delete(work.resolve(Checkpoints.FILE));
        try (Checkpoints cp = Checkpoints.open(work, CheckpointPolicy.every(Duration.ofHours(1)), s -> { })) {
            SameResult.assertSame(new ActivationCollector(source, options).collect(stream, "brown-part", null, cp), reference);
            assertThat(cp.stats().count()).isZero();
        }
        assertThat(work).as("a folder without a checkpoint is removed on close").doesNotExist();
    }

    @Test
    void otherOptionsStartFreshAndSaySo(@TempDir Path work) {
        interruptAfter(3, work, options, stream, new ArrayList<>());
        CollectOptions otherSeed = options.withSeed(43);
        List<String> notes = new ArrayList<>();
        CollectionResult r = finish(work, CheckpointPolicy.everyBatches(1), otherSeed, stream, notes, new ArrayList<>());
        assertThat(notes).singleElement().asString().startsWith("starting fresh").contains("different collection")
                .contains("seed: 42 -> 43");
        SameResult.assertSame(r, new ActivationCollector(source, otherSeed).collect(stream, "brown-part", null));

        interruptAfter(3, work, options, stream, new ArrayList<>());
        notes.clear();
        CollectOptions otherLayers = options.withLayers(1, 2);
        finish(work, CheckpointPolicy.everyBatches(1), otherLayers, stream, notes, new ArrayList<>());
        assertThat(notes).singleElement().asString().contains("layers: [0, 2] -> [1, 2]");
    }

    @Test
    void anotherCorpusOrTokenStreamStartsFresh(@TempDir Path work) {
        TokenStream shorter = new Chunker(MiniLmTokenizer.get(), 64).chunk(ChunkerTest.files("ca01", "ca02"), 2500);
        interruptAfter(3, work, options, shorter, new ArrayList<>());
        List<String> notes = new ArrayList<>();
        CollectionResult r = finish(work, CheckpointPolicy.everyBatches(1), options, stream, notes, new ArrayList<>());
        assertThat(notes).singleElement().asString().startsWith("starting fresh").contains("tokens:").contains("streamSha256:");
        SameResult.assertSame(r, reference);

        // the same token count and sequences, other ids: only the digest tells them apart
        int[] ids = stream.ids().clone();
        ids[ids.length / 2] = ids[ids.length / 2] == 1000 ? 1001 : 1000;
        TokenStream oneIdChanged = new TokenStream(ids, stream.tags(), stream.wordStart(), stream.seqStart(), stream.seqDoc(),
                stream.tagNames(), stream.docIds(), stream.docGenres(), stream.prefix(), stream.suffix());
        interruptAfter(3, work, options, oneIdChanged, new ArrayList<>());
        notes.clear();
        finish(work, CheckpointPolicy.everyBatches(1), options, stream, notes, new ArrayList<>());
        assertThat(notes).singleElement().asString().contains("streamSha256:").doesNotContain("tokens:");
    }

    @Test
    void restartIgnoresTheCheckpoint(@TempDir Path work) {
        interruptAfter(3, work, options, stream, new ArrayList<>());
        List<String> notes = new ArrayList<>();
        List<Progress> progress = new ArrayList<>();
        CollectionResult r = finish(work, CheckpointPolicy.everyBatches(1).withRestart(true), options, stream, notes, progress);
        assertThat(notes).singleElement().asString().startsWith("ignoring the checkpoint");
        assertThat(progress).allSatisfy(p -> assertThat(p.resumedTokens()).isZero());
        SameResult.assertSame(r, reference);
    }

    @Test
    void damagedCheckpointsAreIgnoredWithAClearNote(@TempDir Path tmp) throws Exception {
        record Damage(String name, String expected, Mutation mutation) {
        }
        List<Damage> damages = List.of(
                new Damage("cut in half", "checksum mismatch", f -> Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), (int) Files.size(f) / 2))),
                new Damage("one bit flipped", "checksum mismatch", f -> {
                    byte[] b = Files.readAllBytes(f);
                    b[b.length / 3] ^= 0x10;
                    Files.write(f, b);
                }),
                new Damage("empty", "only 0 bytes long", f -> Files.write(f, new byte[0])),
                new Damage("another file", "not a Lantern checkpoint", f -> {
                    try (StateOut out = new StateOut(f)) {
                        out.putInt(0x12345678).putInt(1);
                        out.finish();
                    }
                }),
                new Damage("another format version", "format version 99", f -> {
                    try (StateOut out = new StateOut(f)) {
                        out.putInt(CheckpointFile.MAGIC).putInt(99);
                        out.finish();
                    }
                }),
                new Damage("whole, but stopping after the key", "ends early", f -> writeKeyThen(f, out -> { })),
                new Damage("whole, but at a batch the run does not have", "does not fit the run's " + batches + " batches",
                        f -> writeKeyThen(f, out -> out.putInt(batches + 5).putLong(0).putLong(0))));
        for (Damage d : damages) {
            Path work = tmp.resolve(d.name().replace(' ', '-'));
            interruptAfter(4, work, options, stream, new ArrayList<>());
            d.mutation().apply(work.resolve(Checkpoints.FILE));
            List<String> notes = new ArrayList<>();
            CollectionResult r = finish(work, CheckpointPolicy.everyBatches(1), options, stream, notes, new ArrayList<>());
            assertThat(notes).as(d.name()).singleElement().asString()
                    .startsWith("starting fresh: the checkpoint " + work.resolve(Checkpoints.FILE) + " cannot be used")
                    .contains(d.expected());
            SameResult.assertSame(r, reference);
        }
    }

    @Test
    void aTemporaryFileLeftByAKillDuringAWriteIsIgnored(@TempDir Path work) throws Exception {
        interruptAfter(3, work, options, stream, new ArrayList<>());
        Files.write(work.resolve(Checkpoints.FILE + ".tmp"), new byte[] {1, 2, 3});  // a write cut short
        List<String> notes = new ArrayList<>();
        CollectionResult r = finish(work, CheckpointPolicy.everyBatches(1), options, stream, notes, new ArrayList<>());
        assertThat(notes).singleElement().asString().contains("(batch 3 of");
        SameResult.assertSame(r, reference);
    }

    @Test
    void oneRunAtATimePerWorkFolder(@TempDir Path work) {
        try (Checkpoints first = Checkpoints.open(work, CheckpointPolicy.everyBatches(1), s -> { })) {
            assertThatThrownBy(() -> Checkpoints.open(work, CheckpointPolicy.everyBatches(1), s -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another collection is running in " + work);
            assertThat(first.enabled()).isTrue();
        }
        try (Checkpoints again = Checkpoints.open(work, CheckpointPolicy.everyBatches(1), s -> { })) {
            assertThat(again.enabled()).as("the lock is released on close").isTrue();
        }
    }

    @Test
    void checkpointPoliciesAreChecked() {
        assertThat(CheckpointPolicy.everySeconds(0).enabled()).isFalse();
        assertThat(CheckpointPolicy.defaults().interval()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> CheckpointPolicy.everySeconds(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint seconds must be >= 0");
        assertThatThrownBy(() -> CheckpointPolicy.everyBatches(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Checkpoints.open(Path.of("/nonexistent/never-created"), CheckpointPolicy.off(), s -> { }).enabled())
                .as("checkpoints off: nothing is created").isFalse();
    }

    interface Mutation {
        void apply(Path file) throws Exception;
    }

    interface Body {
        void write(StateOut out) throws Exception;
    }

    /** A checkpoint file with a good checksum and this run's key, then {@code body}. */
    private static void writeKeyThen(Path f, Body body) throws Exception {
        CheckpointKey key = CheckpointKey.of(source, "brown-part", stream, options, LAYERS, batches);
        try (StateOut out = new StateOut(f)) {
            out.putInt(CheckpointFile.MAGIC).putInt(CheckpointFile.VERSION).putInt(key.fields().size());
            for (var e : key.fields().entrySet()) out.putString(e.getKey()).putString(e.getValue());
            body.write(out);
            out.finish();
        }
    }
}

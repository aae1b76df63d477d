package lantern.service;

import lantern.core.ExplanationScores;
import lantern.core.ExplanationStore;
import lantern.core.ExplanationResult;
import lantern.eval.audit.AuditJobs;
import lantern.api.audit.AuditRequest;
import lantern.eval.audit.FeatureResult;
import lantern.api.audit.FeatureSelection;
import lantern.api.audit.FeatureSpace;
import lantern.api.FeatureId;
import lantern.llm.LlmUsage;
import lantern.index.FeatureIndex;
import lantern.index.IndexCheck;
import lantern.index.IndexedExplanation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A damaged index is detected and rebuilt from the explanation histories; concurrent audits do not duplicate documents. */
class IndexFaultsTest {
    @TempDir
    Path data;

    static float[] vector(String text) {
        float[] v = new float[FeatureIndex.DIMENSION];
        java.util.Random r = new java.util.Random(text.hashCode());
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    static ExplanationResult result(String feature, String text, String explainer, double score, String at) {
        return new ExplanationResult(feature, text, explainer, new ExplanationScores(score, "statistical", 0.5, "statistical",
                null, null, null, 10, 20, 0), at, LlmUsage.NONE, null);
    }

    @Test
    void aDamagedIndexIsDetectedAndRebuiltFromTheHistories() throws Exception {
        ExplanationStore store = new ExplanationStore(data);
        store.append(FeatureId.parse("m/0/mlp/1"), result("m/0/mlp/1", "plural nouns, old", "statistical", 0.4, "2026-01-01T00:00:00Z"));
        store.append(FeatureId.parse("m/0/mlp/1"), result("m/0/mlp/1", "plural nouns", "statistical", 0.8, "2026-01-02T00:00:00Z"));
        store.append(FeatureId.parse("m/0/mlp/1"), result("m/0/mlp/1", "nouns in the plural", "llm:x", 0.7, "2026-01-03T00:00:00Z"));
        store.append(FeatureId.parse("m/1/mlp/7"), result("m/1/mlp/7", "past tense verbs", "statistical", 0.6, "2026-01-02T00:00:00Z"));
        store.append(FeatureId.parse("m/2/sae-k4/3"), result("m/2/sae-k4/3", "legal rights", "statistical", 0.9, "2026-01-02T00:00:00Z"));

        Path indexDir = data.resolve("index");
        try (FeatureIndex index = FeatureIndex.open(indexDir)) {
            for (int i = 0; i < 300; i++) {
                index.add(IndexedExplanation.of("m/0/mlp/" + (100 + i), "filler explanation " + i, "statistical", 0.1, null, null,
                        List.of(), vector("f" + i), 1L));
            }
            index.commit();
        }
        assertThat(IndexCheck.verify(indexDir)).isEqualTo(300);

        // flip bytes in the middle of the largest index file
        Path victim;
        try (Stream<Path> files = Files.list(indexDir)) {
            victim = files.filter(f -> !f.getFileName().toString().startsWith("segments") && !f.getFileName().toString().equals("write.lock"))
                    .max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(victim.toFile(), "rw")) {
            long mid = raf.length() / 2;
            raf.seek(mid);
            byte[] b = new byte[64];
            raf.readFully(b);
            for (int i = 0; i < b.length; i++) b[i] ^= (byte) 0x5A;
            raf.seek(mid);
            raf.write(b);
        }
        assertThatThrownBy(() -> IndexCheck.verify(indexDir)).isInstanceOf(IndexCheck.DamagedIndexException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("lantern index rebuild");

        var r = IndexRebuilder.rebuild(data, IndexFaultsTest::vector, id -> List.of("tok"));
        assertThat(r.features()).isEqualTo(3);
        assertThat(r.documents()).isEqualTo(4); // the newest explanation of each (feature, explainer)
        assertThat(r.oldIndex()).exists();
        assertThat(IndexCheck.verify(indexDir)).isEqualTo(4);
        try (FeatureIndex index = FeatureIndex.openReadOnly(indexDir)) {
            assertThat(index.countFeature("m/0/mlp/1")).isEqualTo(2);
            assertThat(index.explanationsFor(List.of("m/1/mlp/7")).get("m/1/mlp/7").text()).isEqualTo("past tense verbs");
        }
    }

    @Test
    void anIndexWithoutItsCommitPointIsDamagedToo() throws Exception {
        Path indexDir = data.resolve("index");
        try (FeatureIndex index = FeatureIndex.open(indexDir)) {
            index.add(IndexedExplanation.of("m/0/mlp/1", "x", "statistical", 0.1, null, null, List.of(), vector("x"), 1L));
            index.commit();
        }
        try (Stream<Path> files = Files.list(indexDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("segments")).toList()) Files.delete(f);
        }
        assertThatThrownBy(() -> IndexCheck.verify(indexDir)).isInstanceOf(IndexCheck.DamagedIndexException.class)
                .hasMessageContaining("commit point");
        assertThat(IndexCheck.verify(data.resolve("no-index-yet"))).isZero();
    }

    @Test
    void twoAuditsOverTheSameFeaturesAtOnceIndexEachOnce() throws Exception {
        FeatureSpace space = new FeatureSpace() {
            @Override
            public int layers(String model) {
                return 1;
            }

            @Override
            public int width(String model, int layer, String kind) {
                return 40;
            }
        };
        try (FeatureIndex index = FeatureIndex.open(data.resolve("index"));
             AuditJobs jobs = new AuditJobs(data.resolve("audits"), space, (req, f) -> {
                 long seq = index.add(IndexedExplanation.of(f, "explains " + f, req.explainer(), 0.5, null, null, List.of(), vector(f),
                         System.nanoTime()));
                 index.commitThrough(seq);
                 return new FeatureResult("explains " + f, req.explainer(), 0.5, null, null, null, 1, List.of());
             })) {
            AuditRequest req = new AuditRequest("m", List.of(0), "mlp", new FeatureSelection.All(), "statistical", "statistical", 4,
                    List.of(), false);
            String a = jobs.submit(req), b = jobs.submit(req);
            assertThat(jobs.awaitFinished(a, Duration.ofSeconds(60))).isTrue();
            assertThat(jobs.awaitFinished(b, Duration.ofSeconds(60))).isTrue();
            assertThat(jobs.status(a).done()).isEqualTo(40);
            assertThat(jobs.status(b).done()).isEqualTo(40);
            assertThat(index.size()).isEqualTo(40);
            for (int i = 0; i < 40; i++) assertThat(index.countFeature("m/0/mlp/" + i)).isEqualTo(1);
        }
    }

    @Test
    void aFullDiskDuringAnIndexCommitLeavesTheLastCommitReadable() throws Exception {
        try (lantern.testsupport.SmallDisk disk = lantern.testsupport.SmallDisk.mount("2m")) {
            Path indexDir = disk.dir.resolve("index");
            int committed = 0;
            Exception failure = null;
            FeatureIndex index = FeatureIndex.open(indexDir);
            try {
                for (int batch = 0; batch < 1000 && failure == null; batch++) {
                    for (int i = 0; i < 50; i++) {
                        int n = batch * 50 + i;
                        index.add(IndexedExplanation.of("m/0/mlp/" + n, "explanation number " + n + " " + "words ".repeat(20),
                                "statistical", 0.5, null, null, List.of(), vector("v" + n), 1L));
                    }
                    try {
                        index.commit();
                        committed = (batch + 1) * 50;
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
            } finally {
                try {
                    index.close();
                } catch (RuntimeException ignored) {
                    // a writer that hit a full disk may refuse to close cleanly; the files on disk are what matter
                }
            }
            assertThat(failure).as("the disk filled up").isNotNull();
            assertThat(committed).isPositive();
            // the last good commit is intact and verifies
            for (Path p : Files.list(disk.dir).toList()) if (!p.equals(indexDir)) Files.delete(p);
            assertThat(IndexCheck.verify(indexDir)).isEqualTo(committed);
        }
    }
}

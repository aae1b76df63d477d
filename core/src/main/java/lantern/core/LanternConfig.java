package lantern.core;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** Typed view of the {@code lantern.*} settings in application.properties (or LANTERN_* environment variables). */
@ConfigMapping(prefix = "lantern")
public interface LanternConfig {
    /** Where corpora, activation caches, the index, explanations and audit jobs live. */
    @WithDefault("./lantern-data")
    Path dataDir();

    /** The longest text (in characters) the activation endpoints accept. */
    @WithDefault("20000")
    int maxTextChars();

    Llm llm();

    Index index();

    interface Index {
        /**
         * How new index segments store the MiniLM vectors: {@code float} (the default), {@code int8} or {@code int4}
         * (Lucene's scalar-quantized HNSW, rescored with the floats kept beside; docs/speed.md). Existing segments keep
         * theirs until merged.
         */
        @WithDefault("float")
        lantern.index.VectorFormat vectorFormat();

        /**
         * Quantized vectors: the kNN walks the HNSW graph for this many candidates per hit it keeps and rescores them
         * all with the float vectors (recall for graph walk; docs/speed-at-scale.md). Float indexes ignore it.
         */
        @WithDefault("3")
        double knnOversample();

        /**
         * The kNN over several segments: Lucene's optimistic search (true: each segment's graph walked for its share of
         * the candidates, again where that share was competitive), or every graph walked for all of them (false): more
         * of the true neighbours where segments are many and alike, as after {@code index optimize --segment-per-layer}
         * (10M labels: recall@10 0.928 → 0.950), much slower with a layer filter on an index of a few mixed segments
         * (docs/speed-at-scale.md).
         */
        @WithDefault("true")
        boolean knnOptimistic();

        /**
         * Neighbours per node of the MiniLM vectors' HNSW graph in new segments (and merged ones). Denser graphs find
         * more true neighbours and cost more to build (docs/speed-at-scale.md: at a million labels in one graph).
         */
        @WithDefault("16")
        int hnswM();

        /** The HNSW graph's construction beam width in new and merged segments (Lucene's default is 100). */
        @WithDefault("64")
        int hnswBeamWidth();
    }

    Audit audit();

    Collect collect();

    /** Where collections and audits run: {@code local} (this process, the default) or {@code spark} (a cluster). */
    @WithDefault("local")
    String engine();

    Spark spark();

    /** The Spark engine ({@code lantern.engine=spark}; README, "Running on a cluster (Spark)"). */
    interface Spark {
        /** The cluster's master URL ({@code spark://host:7077}) or {@code local[N]}. */
        Optional<String> master();

        /** The Spark build's output folder (driver.args, jars/): {@code ./mvnw -B -f spark/pom.xml package -DskipTests}. */
        @WithDefault("spark/target/spark-home")
        Path home();

        /** The driver JVM's heap. */
        @WithDefault("2g")
        String driverHeap();

        /** Each executor's heap ({@code spark.executor.memory}). */
        @WithDefault("2g")
        String executorMemory();

        /** Features one executor works on at once (LLM calls in one executor are also capped by lantern.llm.max-concurrent). */
        @WithDefault("2")
        int executorConcurrency();

        /** More Spark settings for the driver's context, {@code key=value} each, e.g. {@code spark.speculation=true}. */
        Optional<java.util.List<String>> conf();
    }

    interface Collect {
        /**
         * Seconds between checkpoints of a collection the service runs (0: none), so one cut short by a restart
         * resumes when it is asked for again.
         */
        @WithDefault("60")
        long checkpointSeconds();
    }

    interface Audit {
        /** Brown tokens an audit collects when it finds no (current) collection of a feature's layer. */
        @WithDefault("200000")
        long collectTokens();

        /**
         * libtorch threads each audit worker uses; unset: the cores divided by the audit's concurrency, at least 1
         * (workers × threads ≤ cores: more would oversubscribe the cores and slow every worker).
         */
        Optional<Integer> threadsPerWorker();

        /** Group commit: once this many finished features wait, one index commit and one fsync of progress.log make them done. */
        @WithDefault("32")
        int commitEvery();

        /** Group commit: a finished feature waits at most about this long (ms) before it is committed and counted done. */
        @WithDefault("1000")
        long commitDelayMs();
    }

    interface Llm {
        /** openai (any OpenAI-compatible server) or anthropic. */
        @WithDefault("openai")
        String provider();

        Optional<String> baseUrl();

        Optional<String> apiKey();

        Optional<String> model();

        @WithDefault("0.0")
        double temperature();

        @WithDefault("60")
        int timeoutSeconds();

        @WithDefault("3")
        int maxRetries();

        @WithDefault("8")
        int maxConcurrent();
    }
}

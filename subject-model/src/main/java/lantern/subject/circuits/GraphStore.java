package lantern.subject.circuits;

import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Attribution graphs on disk under {@code {data}/graphs/{id}/}: {@code adjacency.bin} (the dense rows, float32,
 * a CRC32 at the end) and {@code graph.json} (everything else), each written to a temp file, fsynced and renamed;
 * {@code graph.json} lands last, so a folder without it is an interrupted save and is ignored.
 */
public final class GraphStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");
    private static final int MAGIC = 0x4c475231; // "LGR1"

    /** What a stored graph was built with and what it scored. */
    public record Settings(int maxFeatureNodes, double nodeThreshold, double edgeThreshold, double replacementScore,
                           double completenessScore, int prunedNodes, long prunedEdges, double seconds, String created) {
    }

    /** graph.json: the graph without its adjacency. */
    record Header(String id, String model, String transcoders, String prompt, long[] ids, List<String> tokens,
                  int layers, List<ActiveFeature> features, long[] logitIds, float[] logitProbs,
                  List<String> logitTokens, float[] values, int firstNodePos, int totalActive, Settings settings) {
    }

    /** A graph and its settings, as stored. */
    public record Stored(String id, AttributionGraph graph, Settings settings) {
    }

    /** One line of the list. */
    public record Summary(String id, String model, String transcoders, String prompt, int tokens, int featureNodes,
                          Settings settings) {
    }

    private final Path root;

    public GraphStore(Path dataDir) {
        this.root = dataDir.resolve("graphs");
    }

    public static String newId() {
        return Long.toString(System.currentTimeMillis(), 36) + "-"
                + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    }

    public Path dir(String id) {
        if (id == null || !ID.matcher(id).matches()) throw new lantern.errors.NotFoundException("no graph '" + id + "'");
        return root.resolve(id);
    }

    public void save(String id, AttributionGraph g, Settings s) throws IOException {
        Path dir = dir(id);
        Files.createDirectories(dir);
        atomically(dir.resolve("adjacency.bin"), out -> writeAdjacency(g.adjacency(), out));
        Header h = new Header(id, g.model(), g.transcoders(), g.prompt(), g.ids(), g.tokens(), g.layers(), g.features(),
                g.logitIds(), g.logitProbs(), g.logitTokens(), g.values(), g.firstNodePos(), g.totalActive(), s);
        atomically(dir.resolve("graph.json"), out -> JSON.writeValue(out, h));
    }

    public Stored load(String id) {
        Path dir = dir(id);
        Path header = dir.resolve("graph.json");
        if (!Files.isRegularFile(header)) throw new lantern.errors.NotFoundException("no graph '" + id + "'");
        try {
            Header h = JSON.readValue(header.toFile(), Header.class);
            float[][] adj;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve("adjacency.bin")), 1 << 16)) {
                adj = readAdjacency(in);
            }
            AttributionGraph g = new AttributionGraph(h.model(), h.transcoders(), h.prompt(), h.ids(), h.tokens(),
                    h.layers(), h.features(), h.logitIds(), h.logitProbs(), h.logitTokens(), adj, h.values(),
                    h.firstNodePos(), h.totalActive());
            return new Stored(id, g, h.settings());
        } catch (IOException e) {
            throw new UncheckedIOException("graph " + id + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Every complete graph, newest first. */
    public List<Summary> list() {
        List<Summary> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(d -> Files.isRegularFile(d.resolve("graph.json"))).toList()) {
                try {
                    Header h = JSON.readValue(p.resolve("graph.json").toFile(), Header.class);
                    out.add(new Summary(h.id(), h.model(), h.transcoders(), h.prompt(), h.ids().length,
                            h.features().size(), h.settings()));
                } catch (IOException e) {
                    // a damaged header is skipped in the list; loading it by id reports the damage
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort((a, b) -> b.id().compareTo(a.id()));
        return out;
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static void atomically(Path target, Body body) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void writeAdjacency(float[][] adj, OutputStream raw) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
        out.writeInt(MAGIC);
        out.writeInt(adj.length);
        for (float[] row : adj) {
            out.writeBoolean(row != null);
            if (row != null) for (float v : row) out.writeFloat(v);
        }
        out.flush();
        new DataOutputStream(raw).writeLong(crc.getValue());
        raw.flush();
    }

    static float[][] readAdjacency(InputStream raw) throws IOException {
        CRC32 crc = new CRC32();
        DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
        if (in.readInt() != MAGIC) throw new IOException("not an adjacency file");
        int n = in.readInt();
        float[][] adj = new float[n][];
        for (int i = 0; i < n; i++) {
            if (!in.readBoolean()) continue;
            adj[i] = new float[n];
            for (int j = 0; j < n; j++) adj[i][j] = in.readFloat();
        }
        long want = crc.getValue();
        long got = new DataInputStream(raw).readLong();
        if (want != got) throw new IOException("adjacency checksum mismatch (damaged file)");
        return adj;
    }
}

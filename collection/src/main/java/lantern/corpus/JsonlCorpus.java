package lantern.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A JSON Lines file with one {@code {"text": "..."}} object per line (other fields are ignored; an optional
 * string {@code "id"} names the document). Each line is a document, split into sentences like plain text.
 */
public final class JsonlCorpus implements Corpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public JsonlCorpus(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("JSONL corpus file not found: " + file);
        this.file = file;
    }

    @Override
    public String name() {
        String n = file.getFileName().toString();
        return n.endsWith(".jsonl") ? n.substring(0, n.length() - 6) : n;
    }

    @Override
    public Stream<Document> documents() {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] lineNo = {0};
        return reader.lines()
                .map(line -> parseLine(line, ++lineNo[0]))
                .filter(d -> d != null)
                .onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private Document parseLine(String line, int lineNo) {
        if (line.isBlank()) return null;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(file.getFileName() + " line " + lineNo + ": not valid JSON", e);
        }
        if (node == null || !node.isObject() || !node.path("text").isTextual()) {
            throw new IllegalArgumentException(file.getFileName() + " line " + lineNo + ": expected an object with a string \"text\"");
        }
        String id = node.path("id").isTextual() ? node.get("id").asText() : "line-" + lineNo;
        return new Document(id, null, PlainTextCorpus.sentences(node.get("text").asText()));
    }
}

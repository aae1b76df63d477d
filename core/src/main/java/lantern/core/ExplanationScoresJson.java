package lantern.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;

/**
 * The JSON shape of {@link ExplanationScores}: each window score is an object
 * {@code {"value": 0.62, "ci95": [0.48, 0.74], "n": 30}} ({@code ci95} null where the interval is undefined), the
 * rest as the record's fields. Scores stored before intervals existed hold plain numbers there; they still read,
 * with no interval.
 */
final class ExplanationScoresJson {
    private ExplanationScoresJson() {
    }

    static final class Writer extends JsonSerializer<ExplanationScores> {
        @Override
        public void serialize(ExplanationScores s, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartObject();
            score(g, "simulation", s.simulation(), s.intervals().simulation(), s.nHeldOutTop() + s.nRandom(), true);
            g.writeStringField("simulator", s.simulator());
            score(g, "detection", s.detection(), s.intervals().detection(), s.nHeldOutTop() + s.nRandom(), s.detector() != null);
            g.writeStringField("detector", s.detector());
            score(g, "embedding", s.embedding(), s.intervals().embedding(), s.nHeldOutTop() + s.nRandom(), s.embedder() != null);
            g.writeStringField("embedder", s.embedder());
            score(g, "fuzzing", s.fuzzing(), s.intervals().fuzzing(), 0, s.fuzzing() != null || s.intervals().fuzzing() != null);
            score(g, "intruder", s.intruder(), s.intervals().intruder(), 0, s.intruder() != null || s.intervals().intruder() != null);
            g.writeFieldName("causal");
            if (s.causal() == null) g.writeNull(); else p.defaultSerializeValue(s.causal(), g);
            g.writeNumberField("nHeldOutTop", s.nHeldOutTop());
            g.writeNumberField("nRandom", s.nRandom());
            g.writeNumberField("nFailed", s.nFailed());
            failures(g, "simulationFailures", s.simulationFailures());
            failures(g, "detectionFailures", s.detectionFailures());
            g.writeEndObject();
        }

        private static void failures(JsonGenerator g, String name, java.util.Map<String, Integer> f) throws IOException {
            g.writeFieldName(name);
            if (f == null) {
                g.writeNull();
                return;
            }
            g.writeStartObject();
            for (var e : f.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
        }

        /** {@code name: {value, ci95, n}}; null when the score was not run at all. */
        private static void score(JsonGenerator g, String name, Double value, ExplanationScores.Ci ci, int windows, boolean ran) throws IOException {
            g.writeFieldName(name);
            if (!ran) {
                g.writeNull();
                return;
            }
            g.writeStartObject();
            g.writeFieldName("value");
            if (value == null) g.writeNull(); else g.writeNumber(value);
            g.writeFieldName("ci95");
            if (ci == null || ci.lo() == null || ci.hi() == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                g.writeNumber(ci.lo());
                g.writeNumber(ci.hi());
                g.writeEndArray();
            }
            g.writeNumberField("n", ci != null ? ci.n() : windows);
            if (ci != null && ci.reason() != null) g.writeStringField("reason", ci.reason());
            g.writeEndObject();
        }
    }

    static final class Reader extends JsonDeserializer<ExplanationScores> {
        @Override
        public ExplanationScores deserialize(JsonParser parser, DeserializationContext ctx) throws IOException {
            JsonNode n = parser.readValueAsTree();
            ExplanationScores.Causal causal = n.hasNonNull("causal")
                    ? parser.getCodec().treeToValue(n.get("causal"), ExplanationScores.Causal.class) : null;
            return new ExplanationScores(value(n.get("simulation")), text(n.get("simulator")), value(n.get("detection")),
                    text(n.get("detector")), value(n.get("embedding")), text(n.get("embedder")), causal,
                    n.path("nHeldOutTop").asInt(), n.path("nRandom").asInt(), n.path("nFailed").asInt(),
                    failures(n.get("simulationFailures")), failures(n.get("detectionFailures")),
                    new ExplanationScores.Intervals(ci(n.get("simulation")), ci(n.get("detection")), ci(n.get("embedding")),
                            ci(n.get("fuzzing")), ci(n.get("intruder"))), value(n.get("fuzzing")), value(n.get("intruder")));
        }

        /** reason → windows; null when absent (stored before failure reasons existed). */
        private static java.util.Map<String, Integer> failures(JsonNode v) {
            if (v == null || !v.isObject()) return null;
            java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
            return m;
        }

        /** A plain number (the shape before intervals) or {@code {"value": ...}}. */
        private static Double value(JsonNode v) {
            if (v == null || v.isNull()) return null;
            if (v.isNumber()) return v.asDouble();
            JsonNode x = v.get("value");
            return x == null || x.isNull() ? null : x.asDouble();
        }

        private static ExplanationScores.Ci ci(JsonNode v) {
            if (v == null || !v.isObject()) return null;
            JsonNode b = v.get("ci95");
            int count = v.path("n").asInt();
            String reason = v.hasNonNull("reason") ? v.get("reason").asText() : null;
            if (b == null || !b.isArray() || b.size() != 2 || b.get(0).isNull() || b.get(1).isNull()) {
                return reason == null ? null : new ExplanationScores.Ci(null, null, count, reason);
            }
            return new ExplanationScores.Ci(b.get(0).asDouble(), b.get(1).asDouble(), count, reason);
        }

        private static String text(JsonNode v) {
            return v == null || v.isNull() ? null : v.asText();
        }
    }
}

package lantern.api.audit;

import lantern.api.audit.FeatureSpace;
import lantern.errors.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an audit covers and how: the model's layers (empty = all), which features, the explainer and simulator by name,
 * how many features run at once, concepts to watch for in the explanations, and whether to run the causal check
 * (ablate each feature; about a second per feature, so it is asked for, not assumed), and {@code windows}: score
 * each explanation on up to that many held-out top windows and as many random windows where the collections hold
 * them (null: the default, 20 each; the score intervals narrow with more).
 */
public record AuditRequest(String model, List<Integer> layers, String kind, FeatureSelection features, String explainer,
                           String simulator, int concurrency, List<String> watchedConcepts, boolean causal,
                           AuditBudget budget, Integer windows) {
    public AuditRequest(String model, List<Integer> layers, String kind, FeatureSelection features, String explainer,
                        String simulator, int concurrency, List<String> watchedConcepts, boolean causal, AuditBudget budget) {
        this(model, layers, kind, features, explainer, simulator, concurrency, watchedConcepts, causal, budget, null);
    }

    /** The same audit scoring on up to {@code windows} held-out top and random windows (null: the default). */
    public AuditRequest withWindows(Integer windows) {
        return new AuditRequest(model, layers, kind, features, explainer, simulator, concurrency, watchedConcepts, causal,
                budget, windows);
    }

    /** Without an LLM budget. */
    public AuditRequest(String model, List<Integer> layers, String kind, FeatureSelection features, String explainer,
                        String simulator, int concurrency, List<String> watchedConcepts, boolean causal) {
        this(model, layers, kind, features, explainer, simulator, concurrency, watchedConcepts, causal, AuditBudget.NONE);
    }

    public static final int MAX_CONCURRENCY = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Set<String> FIELDS = Set.of("model", "layers", "kind", "features", "explainer", "simulator",
            "concurrency", "watchedConcepts", "causal", "budget", "windows");
    public static final int MAX_WINDOWS = 1000;

    public AuditRequest {
        name(model, "model");
        layers = layers == null ? List.of() : List.copyOf(layers);
        for (int l : layers) if (l < 0) throw new InvalidInputException("layers must be >= 0: " + l);
        if (layers.stream().distinct().count() != layers.size()) throw new InvalidInputException("layers repeat: " + layers);
        kind = kind == null ? "mlp" : kind;
        name(kind, "kind");
        features = features == null ? new FeatureSelection.All() : features;
        explainer = explainer == null ? "statistical" : explainer;
        simulator = simulator == null ? "statistical" : simulator;
        name(explainer, "explainer");
        name(simulator, "simulator");
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new InvalidInputException("concurrency must lie in [1, " + MAX_CONCURRENCY + "]: " + concurrency);
        }
        budget = budget == null ? AuditBudget.NONE : budget;
        if (windows != null && (windows < 1 || windows > MAX_WINDOWS)) {
            throw new InvalidInputException("windows must lie in [1, " + MAX_WINDOWS + "]: " + windows);
        }
        watchedConcepts = watchedConcepts == null ? List.of() : List.copyOf(watchedConcepts);
        for (String c : watchedConcepts) {
            if (c == null || c.isBlank() || c.length() > 200) throw new InvalidInputException("watched concepts must be 1-200 characters");
        }
    }

    private static void name(String s, String what) {
        if (s == null || !NAME.matcher(s).matches()) throw new InvalidInputException("bad " + what + ": " + s);
    }

    /** The layers to audit: those asked for, or every layer of the model. */
    public List<Integer> layersOf(FeatureSpace space) {
        if (!layers.isEmpty()) {
            int n = space.layers(model);
            for (int l : layers) if (l >= n) throw new InvalidInputException("model " + model + " has " + n + " layers; no layer " + l);
            return layers;
        }
        List<Integer> all = new ArrayList<>();
        for (int l = 0; l < space.layers(model); l++) all.add(l);
        return all;
    }

    public List<String> resolve(FeatureSpace space) {
        return features.resolve(model, layersOf(space), kind, space);
    }

    /** Parses a request strictly: unknown fields and wrong types are errors. */
    public static AuditRequest fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new InvalidInputException("audit request must be a JSON object");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new InvalidInputException("unknown field in audit request: " + f);
        }
        List<Integer> layers = new ArrayList<>();
        JsonNode ls = n.get("layers");
        if (ls != null && !ls.isNull()) {
            if (ls.isIntegralNumber()) layers.add(ls.intValue());
            else if (ls.isArray()) {
                for (JsonNode l : ls) {
                    if (!l.isIntegralNumber()) throw new InvalidInputException("layers must be integers");
                    layers.add(l.intValue());
                }
            } else throw new InvalidInputException("layers must be an array of integers");
        }
        List<String> concepts = new ArrayList<>();
        JsonNode cs = n.get("watchedConcepts");
        if (cs != null && !cs.isNull()) {
            if (!cs.isArray()) throw new InvalidInputException("watchedConcepts must be an array of strings");
            for (JsonNode c : cs) {
                if (!c.isTextual()) throw new InvalidInputException("watchedConcepts must be strings");
                concepts.add(c.asText());
            }
        }
        JsonNode conc = n.get("concurrency");
        if (conc != null && !conc.isNull() && !conc.isIntegralNumber()) throw new InvalidInputException("concurrency must be an integer");
        JsonNode windows = n.get("windows");
        if (windows != null && !windows.isNull() && !windows.isIntegralNumber()) throw new InvalidInputException("windows must be an integer");
        JsonNode causal = n.get("causal");
        if (causal != null && !causal.isNull() && !causal.isBoolean()) throw new InvalidInputException("causal must be true or false");
        return new AuditRequest(text(n, "model"), layers, text(n, "kind"), FeatureSelection.parse(n.get("features")),
                text(n, "explainer"), text(n, "simulator"), conc == null || conc.isNull() ? 1 : conc.intValue(), concepts,
                causal != null && causal.asBoolean(), budget(n.get("budget")), windows == null || windows.isNull() ? null : windows.intValue());
    }

    private static AuditBudget budget(JsonNode b) {
        if (b == null || b.isNull()) return AuditBudget.NONE;
        if (!b.isObject()) throw new InvalidInputException("budget must be an object like {\"maxTokens\": 100000}");
        JsonNode t = b.get("maxTokens"), c = b.get("maxCost");
        if (t != null && !t.isNull() && !t.isIntegralNumber()) throw new InvalidInputException("budget.maxTokens must be an integer");
        if (c != null && !c.isNull() && !c.isNumber()) throw new InvalidInputException("budget.maxCost must be a number");
        return new AuditBudget(t == null || t.isNull() ? null : t.longValue(), c == null || c.isNull() ? null : c.doubleValue());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new InvalidInputException(field + " must be a string");
        return v.asText();
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("model", model);
        ArrayNode ls = o.putArray("layers");
        layers.forEach(ls::add);
        o.put("kind", kind);
        o.set("features", features.toJson());
        o.put("explainer", explainer);
        o.put("simulator", simulator);
        o.put("concurrency", concurrency);
        ArrayNode cs = o.putArray("watchedConcepts");
        watchedConcepts.forEach(cs::add);
        o.put("causal", causal); // job.json keeps it, so a resumed audit still runs the check
        if (windows != null) o.put("windows", windows);
        if (budget.limited()) {
            ObjectNode b = o.putObject("budget");
            if (budget.maxTokens() != null) b.put("maxTokens", budget.maxTokens());
            if (budget.maxCost() != null) b.put("maxCost", budget.maxCost());
        }
        return o;
    }
}

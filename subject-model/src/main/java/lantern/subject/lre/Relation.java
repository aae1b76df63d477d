package lantern.subject.lre;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.errors.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A relation as subject → object pairs and a prompt template with one {@code {}} where the subject goes, in the
 * format of the LRE paper's data files ({@code {"name", "prompt_templates": [...], "samples": [{"subject",
 * "object"}]}}; a single {@code "template"} string is accepted too). The first template is the one used.
 */
public record Relation(String name, String template, List<Sample> samples) {
    public static final int MAX_SAMPLES = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Sample(String subject, String object) {
    }

    public Relation {
        if (template == null || template.isBlank()) throw new InvalidInputException("relation has no prompt template");
        int first = template.indexOf("{}");
        if (first < 0 || template.indexOf("{}", first + 2) >= 0) {
            throw new InvalidInputException("the prompt template must hold exactly one {} (where the subject goes): \""
                    + template + "\"");
        }
        if (samples == null || samples.isEmpty()) throw new InvalidInputException("relation has no samples");
        if (samples.size() > MAX_SAMPLES) {
            throw new InvalidInputException("relation has " + samples.size() + " samples, at most " + MAX_SAMPLES);
        }
        for (Sample s : samples) {
            if (s == null || s.subject() == null || s.subject().isBlank() || s.object() == null
                    || s.object().isBlank()) {
                throw new InvalidInputException("every sample needs a non-empty \"subject\" and \"object\"");
            }
        }
        samples = List.copyOf(samples);
        name = name == null || name.isBlank() ? "relation" : name;
    }

    /** The template with {@code subject} in place of {@code {}} (subjects are data, never template syntax). */
    public String fill(String subject) {
        int at = template.indexOf("{}");
        return template.substring(0, at) + subject + template.substring(at + 2);
    }

    /**
     * The reference's {@code make_prompt}: one line "template(s) object" per example whose subject differs, then
     * the template with {@code subject}.
     */
    public String prompt(List<Sample> examples, String subject) {
        StringBuilder b = new StringBuilder();
        for (Sample x : examples) {
            if (x.subject().equals(subject)) continue;
            b.append(fill(x.subject())).append(' ').append(x.object()).append('\n');
        }
        return b.append(fill(subject)).toString();
    }

    public static Relation read(Path file) {
        try {
            return parse(JSON.readTree(Files.readString(file)), file.getFileName().toString());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read relation file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a relation; {@code fallbackName} names it when the JSON has no "name". */
    public static Relation parse(JsonNode node, String fallbackName) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("a relation is a JSON object with \"prompt_templates\" and \"samples\"");
        }
        String template = null;
        JsonNode templates = node.get("prompt_templates");
        if (templates != null && templates.isArray() && !templates.isEmpty() && templates.get(0).isTextual()) {
            template = templates.get(0).asText();
        } else if (node.path("template").isTextual()) {
            template = node.get("template").asText();
        }
        if (template == null) {
            throw new InvalidInputException("relation needs \"prompt_templates\" (a list of strings with {}) or "
                    + "\"template\"");
        }
        JsonNode samples = node.get("samples");
        if (samples == null || !samples.isArray()) {
            throw new InvalidInputException("relation needs \"samples\": a list of {\"subject\", \"object\"}");
        }
        List<Sample> out = new ArrayList<>();
        for (JsonNode s : samples) {
            if (!s.isObject() || !s.path("subject").isTextual() || !s.path("object").isTextual()) {
                throw new InvalidInputException("each sample must be {\"subject\": string, \"object\": string}, got "
                        + abbreviate(s.toString()));
            }
            out.add(new Sample(s.get("subject").asText(), s.get("object").asText()));
        }
        String name = node.path("name").isTextual() ? node.get("name").asText() : fallbackName;
        return new Relation(name, template, out);
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}

package lantern.subject.icl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.errors.InvalidInputException;
import lantern.subject.fv.IclTask;
import lantern.subject.lre.Relation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The in-context tasks and relations Lantern ships (class-path resources {@code icl/tasks/*.json} and
 * {@code icl/relations/*.json}), chosen so that a small model trained on Brown can attempt them; any file in the same
 * format works too. A name is looked up here; anything else is read as a path.
 */
public final class Shipped {
    public static final List<String> TASKS = List.of("first-copy", "last-copy", "next-number", "next-number-word",
            "antonym", "singular-plural", "present-past", "country-capital");
    public static final List<String> RELATIONS = List.of("country-capital", "adjective-antonym", "verb-past-tense",
            "noun-plural", "city-state");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Shipped() {
    }

    /** A shipped task by name, or a task file. */
    public static IclTask task(String nameOrPath) {
        if (TASKS.contains(nameOrPath)) return IclTask.parse(resource("icl/tasks/" + nameOrPath + ".json"), nameOrPath);
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("no task file " + nameOrPath + " and no shipped task of that name "
                    + "(shipped: " + String.join(", ", TASKS) + ")");
        }
        return IclTask.read(p);
    }

    /** A shipped relation by name, or a relation file. */
    public static Relation relation(String nameOrPath) {
        if (RELATIONS.contains(nameOrPath)) {
            return Relation.parse(resource("icl/relations/" + nameOrPath + ".json"), nameOrPath);
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("no relation file " + nameOrPath + " and no shipped relation of that name "
                    + "(shipped: " + String.join(", ", RELATIONS) + ")");
        }
        return Relation.read(p);
    }

    /** A shipped task by name only (REST never reads paths). */
    public static IclTask shippedTask(String name) {
        if (!TASKS.contains(name)) {
            throw new InvalidInputException("no shipped task \"" + name + "\" (shipped: " + String.join(", ", TASKS) + ")");
        }
        return task(name);
    }

    /** A shipped relation by name only (REST never reads paths). */
    public static Relation shippedRelation(String name) {
        if (!RELATIONS.contains(name)) {
            throw new InvalidInputException("no shipped relation \"" + name + "\" (shipped: "
                    + String.join(", ", RELATIONS) + ")");
        }
        return relation(name);
    }

    private static JsonNode resource(String path) {
        try (InputStream in = Shipped.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path, e);
        }
    }
}

package lantern.service;

import io.quarkus.test.junit.QuarkusTestProfile;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.PlantedModels;
import lantern.subject.decoder.PlantedTaskModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A data folder with the two planted decoders of the in-context tests registered: {@code planted-task} (one head
 * carries the copy task) and {@code planted-linear} (a relation linear by construction).
 */
public class InContextProfile implements QuarkusTestProfile {
    static final Path DATA = Path.of("target/icl-rest-data");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("lantern.data-dir", DATA.toString());
    }

    static void register() throws Exception {
        Path task = DATA.resolve("models/planted-task");
        if (!Files.exists(task.resolve("config.json"))) PlantedTaskModel.write(task, PlantedTaskModel.weights());
        Path linear = DATA.resolve("models/planted-linear");
        if (!Files.exists(linear.resolve("config.json"))) {
            PlantedModels.writeLinearRelation(linear, PlantedModels.linearRelation(7));
        }
        DecoderRegistry r = new DecoderRegistry(DATA);
        if (!r.contains("planted-task")) r.add("planted-task", task, null);
        if (!r.contains("planted-linear")) r.add("planted-linear", linear, null);
    }
}

package lantern.service;

import lantern.core.LanternConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.errors.NotFoundException;
import lantern.eval.selfreport.Verbalize;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import lantern.subject.selfreport.Verbalizer;
import lantern.subject.selfreport.Verbalizers;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the registered verbalizer for a model and hook, keeps it loaded, and runs {@link Verbalize} with it: what
 * {@code POST /api/verbalize} and the /verbalize page call.
 */
@ApplicationScoped
public class VerbalizeService {
    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;

    private final Map<String, Verbalizer> loaded = new ConcurrentHashMap<>();

    public Verbalize.Response verbalize(String model, String hook, List<String> texts, Integer position, String pool) {
        if (model == null || model.isBlank()) throw new lantern.errors.InvalidInputException("\"model\" is required");
        HookedModel subject = models.hooked(model);
        StateReader.requireHook(subject, hook);
        Pool p = pool == null ? Pool.defaultFor(subject.isDecoder()) : Pool.parse(pool);
        Verbalizer v = verbalizer(subject.info().id(), hook, p, subject.isDecoder());
        return Verbalize.run(subject, hook, v, new Verbalize.Request(texts, position, p));
    }

    /** The loaded verbalizer for (model, hook, pool); 404 with the command that trains one when there is none. */
    public Verbalizer verbalizer(String model, String hook, Pool pool, boolean decoder) {
        Path data = config.dataDir();
        String name = Verbalizers.find(data, model, hook, pool, decoder).orElseThrow(() -> new NotFoundException(
                "no verbalizer reads " + hook + " of " + model + " (pool " + pool.id() + "): train one with "
                        + "'lantern train verbalizer --model " + model + " --hook " + hook + "'"));
        return loaded.computeIfAbsent(name, n -> Verbalizer.load(n,
                Path.of(new DecoderRegistry(data).get(n).path())));
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(Verbalizer::close);
    }
}

package lantern.subject.selfreport;

import lantern.subject.decoder.DecoderRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finding verbalizers among the registered models ({@code models.json}) by what they read. */
public final class Verbalizers {
    private Verbalizers() {
    }

    /** The folder of a registered model, or {@code nameOrPath} itself when it is a folder. */
    public static Path folder(String nameOrPath, Path dataDir) {
        DecoderRegistry r = new DecoderRegistry(dataDir);
        if (r.contains(nameOrPath)) return Path.of(r.get(nameOrPath).path());
        Path p = Path.of(nameOrPath);
        if (Files.isDirectory(p)) return p;
        throw new lantern.errors.NotFoundException("no model named '" + nameOrPath + "' in " + r.file()
                + " and no such folder");
    }

    /**
     * The registered verbalizer reading {@code hook} of {@code subject} pooled by {@code pool}: the one under its
     * default name ({@link VerbalizerNames}) when registered, else any whose spec matches.
     */
    public static Optional<String> find(Path dataDir, String subject, String hook, Pool pool, boolean decoder) {
        Map<String, DecoderRegistry.Entry> all = new DecoderRegistry(dataDir).list();
        String preferred = VerbalizerNames.of(subject, hook, pool, decoder);
        if (matches(all.get(preferred), subject, hook, pool)) return Optional.of(preferred);
        for (var e : all.entrySet()) {
            if (matches(e.getValue(), subject, hook, pool)) return Optional.of(e.getKey());
        }
        return Optional.empty();
    }

    private static boolean matches(DecoderRegistry.Entry e, String subject, String hook, Pool pool) {
        if (e == null) return false;
        Path dir = Path.of(e.path());
        if (!Verbalizer.isVerbalizer(dir)) return false;
        try {
            VerbalizerSpec s = Verbalizer.readSpec(dir);
            return s.subject().equals(subject) && s.hook().equals(hook) && s.poolMode() == pool;
        } catch (RuntimeException ex) {
            return false;
        }
    }
}

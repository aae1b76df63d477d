package lantern.subject.selfreport;

/** The name a verbalizer is registered under unless told otherwise: {@code <subject>-verbalizer-<hook>[-<pool>]}. */
public final class VerbalizerNames {
    private VerbalizerNames() {
    }

    public static String of(String subject, String hook, Pool pool, boolean decoder) {
        String base = subject + "-verbalizer-" + hook;
        return pool == Pool.defaultFor(decoder) ? base : base + "-" + pool.id();
    }
}

package lantern.subject.sae;

import java.util.Locale;

/** How an SAE turns encoder pre-activations into feature activations; names as SAELens writes them. */
public enum SaeArchitecture {
    /** ReLU, trained with an L1 penalty. */
    STANDARD("standard"),
    /** Keeps the k largest pre-activations (after ReLU), zeroes the rest. */
    TOPK("topk"),
    /** Keeps pre-activations above a learned per-feature threshold. */
    JUMPRELU("jumprelu");

    private final String cfgName;

    SaeArchitecture(String cfgName) {
        this.cfgName = cfgName;
    }

    public String cfgName() {
        return cfgName;
    }

    public static SaeArchitecture fromCfg(String name) {
        if (name == null) throw new IllegalArgumentException("SAE cfg has no architecture");
        for (SaeArchitecture a : values()) {
            if (a.cfgName.equals(name.toLowerCase(Locale.ROOT))) return a;
        }
        throw new IllegalArgumentException("unsupported SAE architecture '" + name + "' (standard, topk, jumprelu)");
    }
}

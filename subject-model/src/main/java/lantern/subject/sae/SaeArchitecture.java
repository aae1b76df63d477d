package lantern.subject.sae;

import java.util.Locale;

/**
 * How an SAE turns encoder pre-activations into feature activations; names as SAELens writes them.
 *
 * <p>BatchTopK and Matryoshka (BatchTopK) are training architectures in SAELens: during training they keep the
 * k × batch largest activations of the whole batch; at inference they are JumpReLU SAEs whose threshold (the same for
 * every feature) is the running mean of the smallest activation BatchTopK kept. SAELens saves them for inference with
 * {@code "architecture": "jumprelu"} and a {@code threshold} tensor, and so do we ({@link #savedCfgName()}); the
 * training architecture is kept in the cfg's metadata so a reload knows what it is.
 */
public enum SaeArchitecture {
    /** ReLU, trained with an L1 penalty. */
    STANDARD("standard"),
    /** Keeps the k largest pre-activations (after ReLU), zeroes the rest. */
    TOPK("topk"),
    /** Keeps pre-activations above a learned per-feature threshold. */
    JUMPRELU("jumprelu"),
    /** Trained keeping the k × batch largest activations of a batch; a JumpReLU with one threshold at inference. */
    BATCHTOPK("batchtopk"),
    /** BatchTopK plus nested prefix reconstruction losses (Bussmann et al. 2025); a JumpReLU at inference. */
    MATRYOSHKA("matryoshka_batchtopk");

    private final String cfgName;

    SaeArchitecture(String cfgName) {
        this.cfgName = cfgName;
    }

    /** SAELens's name of the architecture (its training config's {@code architecture}). */
    public String cfgName() {
        return cfgName;
    }

    /** The {@code architecture} SAELens writes into an inference {@code cfg.json}: "jumprelu" for the BatchTopK family. */
    public String savedCfgName() {
        return isBatchTopK() ? JUMPRELU.cfgName : cfgName;
    }

    /** Inference reads a {@code threshold} tensor. */
    public boolean hasThreshold() {
        return this == JUMPRELU || isBatchTopK();
    }

    /** Trained with a target number k of active features per token. */
    public boolean usesK() {
        return this == TOPK || isBatchTopK();
    }

    public boolean isBatchTopK() {
        return this == BATCHTOPK || this == MATRYOSHKA;
    }

    public static SaeArchitecture fromCfg(String name) {
        if (name == null) throw new IllegalArgumentException("SAE cfg has no architecture");
        for (SaeArchitecture a : values()) {
            if (a.cfgName.equals(name.toLowerCase(Locale.ROOT))) return a;
        }
        throw new IllegalArgumentException("unsupported SAE architecture '" + name
                + "' (standard, topk, jumprelu, batchtopk, matryoshka_batchtopk)");
    }
}

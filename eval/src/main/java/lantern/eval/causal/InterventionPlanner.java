package lantern.eval.causal;

import lantern.api.causal.InterventionSpec;
import lantern.api.causal.Direction;
import lantern.errors.InvalidInputException;

import lantern.api.FeatureId;
import lantern.subject.HookFunction;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import lantern.subject.HookedModel;
import lantern.subject.sae.Sae;
import lantern.subject.sae.SaeInterventions;
import lantern.subject.sae.SaeStore;

import java.util.List;

/** Turns intervention specs into hooks on one model, checking every part (ids, hooks, widths) first. */
public final class InterventionPlanner {
    /** One resolved intervention: where it acts, what it does, and a line saying so. */
    public record Planned(String hook, HookFunction function, String description) {
    }

    private final HookedModel model;
    private final java.util.function.Supplier<SaeStore> saes;
    private final DirectionStore directions;

    public InterventionPlanner(HookedModel model, SaeStore saes, DirectionStore directions) {
        this(model, () -> saes, directions);
    }

    /** {@code saes} is asked for only when an intervention names an SAE feature. */
    public InterventionPlanner(HookedModel model, java.util.function.Supplier<SaeStore> saes, DirectionStore directions) {
        this.model = model;
        this.saes = saes;
        this.directions = directions;
    }

    public Hooks hooks(List<Planned> planned) {
        Hooks h = Hooks.none();
        for (Planned p : planned) h.replace(p.hook(), p.function());
        return h;
    }

    public List<Planned> plan(List<InterventionSpec> specs) {
        if (specs == null) return List.of();
        return specs.stream().map(this::plan).toList();
    }

    public Planned plan(InterventionSpec s) {
        if (s == null || s.type() == null) throw new InvalidInputException("intervention needs a type");
        return switch (s.type()) {
            case "add-direction" -> {
                Resolved r = direction(s);
                float scale = s.scale() == null ? 1f : s.scale();
                yield new Planned(r.hook, Interventions.addDirection(r.vector, scale),
                        "add " + scale + " x " + r.label + " at " + r.hook);
            }
            case "ablate-direction" -> {
                Resolved r = direction(s);
                if (Direction.norm(r.vector) == 0) throw new InvalidInputException("cannot ablate a zero direction");
                yield new Planned(r.hook, Interventions.ablateDirection(r.vector), "ablate " + r.label + " at " + r.hook);
            }
            case "ablate-neuron" -> {
                FeatureId id = feature(s);
                if (!id.isNeuron()) throw new InvalidInputException("ablate-neuron needs an mlp feature id, got " + id);
                if (id.index() >= model.info().neuronsPerLayer()) {
                    throw new InvalidInputException("neuron " + id.index() + " out of range (" + model.info().neuronsPerLayer() + " per layer)");
                }
                String hook = HookNames.mlpPost(id.layer());
                HookFunction f = s.value() == null ? Interventions.zeroAblate(id.index()) : Interventions.setUnit(id.index(), s.value());
                yield new Planned(hook, f, (s.value() == null ? "zero-ablate " : "set to " + s.value() + ": ") + id);
            }
            case "clamp-sae", "ablate-sae" -> {
                FeatureId id = feature(s);
                if (!id.kind().startsWith("sae-")) throw new InvalidInputException(s.type() + " needs an SAE feature id, got " + id);
                float value;
                if (s.type().equals("ablate-sae")) value = 0f;
                else if (s.value() == null) throw new InvalidInputException("clamp-sae needs a value");
                else value = s.value();
                Sae sae = saes.get().get(id.model(), id.layer(), id.kind());
                int width = width(sae.config().hookName());
                if (sae.config().dIn() != width) {
                    throw new IllegalArgumentException("SAE " + id.kind() + " reads " + sae.config().dIn() + " dimensions; "
                            + sae.config().hookName() + " of " + model.info().id() + " has " + width);
                }
                if (id.index() >= sae.config().dSae()) {
                    throw new IllegalArgumentException("feature " + id.index() + " out of range (" + sae.config().dSae() + " in " + id.kind() + ")");
                }
                yield new Planned(sae.config().hookName(), SaeInterventions.clamp(sae, id.index(), value),
                        "clamp " + id + " to " + value);
            }
            default -> throw new InvalidInputException("unknown intervention type '" + s.type()
                    + "' (add-direction, ablate-direction, ablate-neuron, clamp-sae, ablate-sae)");
        };
    }

    private FeatureId feature(InterventionSpec s) {
        FeatureId id = FeatureId.parse(s.feature());
        if (!id.model().equals(model.info().id())) {
            throw new InvalidInputException("feature " + id + " belongs to model " + id.model() + ", not " + model.info().id());
        }
        if (id.layer() >= model.info().layers()) throw new InvalidInputException("layer " + id.layer() + " out of range");
        return id;
    }

    private record Resolved(String hook, float[] vector, String label) {
    }

    private Resolved direction(InterventionSpec s) {
        float[] vector;
        String hook = s.hook();
        String label;
        if (s.direction() != null && s.vector() != null) throw new InvalidInputException("give a direction name or a vector, not both");
        if (s.direction() != null) {
            Direction d = directions.load(s.direction());
            if (!d.model().equals(model.info().id())) {
                throw new InvalidInputException("direction '" + d.name() + "' was made on " + d.model());
            }
            if (hook == null) hook = d.hook();
            vector = d.vector();
            label = "direction '" + d.name() + "'";
        } else if (s.vector() != null) {
            if (hook == null) throw new InvalidInputException("a raw vector needs a hook");
            vector = s.vector();
            label = "vector (norm " + String.format(java.util.Locale.ROOT, "%.3f", Direction.norm(vector)) + ")";
        } else {
            throw new InvalidInputException(s.type() + " needs a direction name or a vector");
        }
        HookNames.requireValid(hook, model.hookNames());
        int width = width(hook);
        if (vector.length != width) {
            throw new InvalidInputException(label + " has " + vector.length + " dimensions; " + hook + " has " + width);
        }
        return new Resolved(hook, vector, label);
    }

    /** Activation width at a hook (attention patterns cannot take a direction). */
    int width(String hook) {
        if (hook.endsWith("attn.hook_pattern")) throw new InvalidInputException("directions do not apply to " + hook);
        if (hook.endsWith("mlp.hook_pre") || hook.endsWith("mlp.hook_post")) return model.info().neuronsPerLayer();
        return model.info().dModel();
    }
}

package lantern.service;

import lantern.errors.BadRequestException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.eval.causal.CausalScore;
import lantern.eval.causal.CausalScorer;
import lantern.eval.causal.Direction;
import lantern.eval.causal.DirectionStore;
import lantern.eval.causal.InterventionPlanner;
import lantern.eval.causal.InterventionSpec;
import lantern.eval.causal.MeanDifference;
import lantern.eval.causal.Steering;
import lantern.explainer.FeatureRecords;
import lantern.subject.bert.BertModel;
import lantern.subject.sae.SaeStore;

import java.util.List;

/** Directions, SAEs and interventions over the registry's models; SAEs load on first use and stay open. */
@ApplicationScoped
public class SteeringService {
    private static final int MAX_TEXTS = 2000;

    @Inject
    ModelRegistry models;
    @Inject
    LanternConfig config;

    private volatile SaeStore saes;

    synchronized SaeStore saes() {
        if (saes == null) saes = models.saes();
        return saes;
    }

    DirectionStore directions() {
        return new DirectionStore(config.dataDir());
    }

    public Direction createDirection(String name, String model, String hook, List<String> positive, List<String> negative) {
        DirectionStore.checkName(name);
        BertModel m = models.encoder(model == null ? BertModel.MINILM_ID : model);
        checkTexts("positive", positive);
        checkTexts("negative", negative);
        if (hook == null) throw new BadRequestException("hook is missing (e.g. blocks.3.hook_resid_post)");
        Direction d = MeanDifference.compute(m, name, hook, positive, negative);
        directions().save(d);
        return d;
    }

    public Direction direction(String name) {
        return directions().load(name);
    }

    public List<String> directionNames() {
        return directions().names();
    }

    public Steering.Result steer(String model, String prompt, List<InterventionSpec> interventions, List<String> candidates, int topN) {
        BertModel m = models.encoder(model == null ? BertModel.MINILM_ID : model);
        if (prompt != null && prompt.length() > config.maxTextChars()) throw new BadRequestException("prompt longer than " + config.maxTextChars() + " characters");
        if (candidates != null) checkTexts("candidates", candidates);
        if (interventions == null || interventions.isEmpty()) throw new BadRequestException("give at least one intervention");
        InterventionPlanner planner = new InterventionPlanner(m, saes(), directions());
        List<InterventionPlanner.Planned> planned = planner.plan(interventions);
        return Steering.run(m, prompt, planned, planner.hooks(planned), candidates, topN);
    }

    private void checkTexts(String what, List<String> texts) {
        if (texts == null) return;
        if (texts.size() > MAX_TEXTS) throw new BadRequestException("at most " + MAX_TEXTS + " " + what + " texts");
        for (String t : texts) {
            if (t == null || t.isBlank()) throw new BadRequestException(what + " holds an empty text");
            if (t.length() > config.maxTextChars()) throw new BadRequestException(what + " text longer than " + config.maxTextChars() + " characters");
        }
    }

    @PreDestroy
    void close() {
        if (saes != null) saes.close();
    }

    /**
     * The causal check of a feature: ablate it (zero a neuron, zero an SAE feature) and compare how much the sentence
     * embedding moves on texts of its top windows against its random windows (see {@link CausalScorer#ablationScore}).
     */
    public CausalScore causal(FeatureRecords records) {
        BertModel m = models.encoder(records.id().model());
        return new CausalScorer(m, new InterventionPlanner(m, saes(), directions())).ablationScore(records);
    }
}

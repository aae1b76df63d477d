package lantern.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import lantern.api.audit.AuditRequest;
import lantern.eval.audit.FeatureResult;
import lantern.eval.audit.FeatureTask;

import java.util.List;

/**
 * The per-feature work for REST audit tests (enabled by {@link AuditTestProfile} only): a realistic explanation
 * chosen by the feature's index, embedded with MiniLM and indexed, committed before returning.
 */
@Alternative
@ApplicationScoped
public class IndexingAuditTask implements FeatureTask {
    static final List<String> TEXTS = List.of("nouns in the plural form", "verbs in the past tense",
            "closing parentheses and brackets", "the word 'not' and other negations", "names of months",
            "numbers written as digits", "words related to food and cooking");

    @Inject
    SearchService search;

    @Override
    public FeatureResult run(AuditRequest request, String featureId) throws Exception {
        int n = Integer.parseInt(featureId.substring(featureId.lastIndexOf('/') + 1));
        Thread.sleep(40); // slow enough for the event stream to see features finish
        String text = TEXTS.get(n % TEXTS.size());
        double score = 0.9 - 0.05 * n;
        long seq = search.put(featureId, text, request.explainer(), score, null, null, null, List.of("tok"));
        search.index().commitThrough(seq);
        return new FeatureResult(text, request.explainer(), score, null, null, null, n == 3 ? 0 : 1.5, List.of("tok"));
    }
}

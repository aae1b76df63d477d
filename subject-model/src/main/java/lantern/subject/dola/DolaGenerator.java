package lantern.subject.dola;

import lantern.api.generate.GenerationResult;

import lantern.errors.InvalidInputException;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Generation with or without DoLa (Chuang et al. 2023, "DoLa: Decoding by Contrasting Layers"), with Hugging Face
 * transformers' semantics for {@code generate(dola_layers=..., repetition_penalty=...)}: candidate layers from
 * {@link DolaLayers}, per-step contrast from {@link DolaContrast}, then the repetition penalty, then temperature and
 * top-p (greedy at temperature 0). Without {@code dola} it is ordinary generation (the same loop, the model's own
 * logits). The one use case behind {@code lantern generate} and {@code POST /api/generate}.
 */
public final class DolaGenerator {
    private DolaGenerator() {
    }

    /**
     * @param dola              "high", "low", "0,2,..." or null/blank for plain decoding
     * @param repetitionPenalty 1 = none (transformers recommends 1.2 with DoLa)
     */
    public static GenerationResult generate(SubjectModel subject, String prompt, Sampling sampling, String dola,
                                            float repetitionPenalty) {
        DecoderModel model = require(subject);
        return generate(model, Generator.promptIds(model, prompt), prompt == null ? "" : prompt, sampling, dola,
                repetitionPenalty);
    }

    /** As {@link #generate(SubjectModel, String, Sampling, String, float)} from prompt ids. */
    public static GenerationResult generate(DecoderModel model, long[] ids, String prompt, Sampling sampling,
                                            String dola, float repetitionPenalty) {
        boolean contrast = dola != null && !dola.isBlank();
        int[] candidates = contrast
                ? DolaLayers.candidates(dola, model.config().layers(), model.config().tiedEmbeddings()) : new int[0];
        DolaPass pass = contrast ? new DolaPass(model, candidates) : null;
        Generation g = Generator.withCache(model, ids, sampling, Hooks.none(), Hooks.none(),
                contrast ? pass : model::nextTokenLogits, repetitionPenalty);
        List<GenerationResult.Token> tokens = new ArrayList<>();
        List<DolaContrast.Step> steps = contrast ? pass.steps() : List.of();
        long[] out = g.generatedIds();
        for (int i = 0; i < out.length; i++) {
            DolaContrast.Step s = contrast ? steps.get(i) : null;
            tokens.add(new GenerationResult.Token(out[i], model.tokenizer().token(out[i]),
                    s == null ? null : s.premature(),
                    s == null || candidates.length == 1 ? null : s.js()));
        }
        return new GenerationResult(model.info().id(), prompt, contrast ? dola.trim() : null,
                candidates, repetitionPenalty, g.text(), tokens);
    }

    static DecoderModel require(SubjectModel model) {
        return model.requireLanguageModel("generation");
    }
}

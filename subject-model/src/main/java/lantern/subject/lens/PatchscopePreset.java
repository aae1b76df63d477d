package lantern.subject.lens;

import lantern.errors.InvalidInputException;

import lantern.subject.Encoding;
import lantern.subject.decoder.DecoderModel;

import java.util.Locale;

/**
 * Target prompts from the Patchscopes paper. The state is written at the placeholder: the final "?" for token
 * identity, the final "x" for the others (the last token whose text is the placeholder).
 */
public enum PatchscopePreset {
    /** Few-shot "repeat the token": decodes which token a state represents. */
    IDENTITY("cat -> cat\n1135 -> 1135\nhello -> hello\n?", "?"),
    /** Few-shot entity descriptions: decodes which entity a state stands for. */
    ENTITY_DESCRIPTION("Syria: Country in the Middle East, Leonardo DiCaprio: American actor, Samsung: South Korean "
            + "multinational major appliance and consumer electronics corporation, x", "x"),
    /** Attribute extraction: what the model recalls about the patched subject. */
    ATTRIBUTE_EXTRACTION("The official currency of x", "x"),
    /** Free-form: the caller gives the target prompt and position. */
    FREE_FORM(null, null);

    private final String prompt;
    private final String placeholder;

    PatchscopePreset(String prompt, String placeholder) {
        this.prompt = prompt;
        this.placeholder = placeholder;
    }

    public String prompt() {
        return prompt;
    }

    public static PatchscopePreset parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "IDENTITY", "TOKEN_IDENTITY" -> IDENTITY;
            case "ENTITY", "ENTITY_DESCRIPTION" -> ENTITY_DESCRIPTION;
            case "ATTRIBUTE", "ATTRIBUTE_EXTRACTION" -> ATTRIBUTE_EXTRACTION;
            case "FREE", "FREE_FORM" -> FREE_FORM;
            default -> throw new InvalidInputException("unknown preset '" + name
                    + "' (identity, entity-description, attribute-extraction, free-form)");
        };
    }

    /** Where the state goes in this preset's prompt for this model's tokenizer (last placeholder token, else -1). */
    public int targetPosition(DecoderModel model) {
        if (placeholder == null) throw new InvalidInputException("free-form needs a target prompt and position");
        Encoding e = model.tokenizer().encode(prompt, true);
        for (int i = e.length() - 1; i >= 0; i--) {
            if (e.special()[i]) continue;
            if (model.tokenizer().token(e.ids()[i]).strip().equals(placeholder)) return i;
        }
        return -1;
    }
}

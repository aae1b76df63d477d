package lantern.explainer.explain;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rule out of a free-text explanation someone wrote, for the hypothesis shapes the statistical simulator
 * understands: a Brown tag class ("plural nouns", "Brown tag NNS", "commas"), a token list ("the tokens 'said',
 * 'told'"), tokens after given ones ("tokens right after 'of'"), a class right after given tokens, and a class
 * strongest on given tokens ("singular nouns, strongest on 'state', 'city' (other singular nouns at about 30%)": a
 * graded rule, at half strength on the class's other tokens unless a percentage is given). Anything else has no
 * rule: only an LLM simulator can score it.
 */
public final class HypothesisParser {
    private static final Pattern QUOTED = Pattern.compile("['\"\u2018\u201c]([^'\"\u2019\u201d]{1,40})['\"\u2019\u201d]");
    private static final Pattern TAG_CODE = Pattern.compile("brown tag (?:'([^']{1,3})'|([A-Za-z$*]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern GRADED = Pattern.compile("\\b(strongest on|mostly|especially)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEVEL = Pattern.compile("\\babout (\\d{1,2}) ?%");
    private static final Pattern AFTER = Pattern.compile("\\b(right after|after|following|preceded by)\\b", Pattern.CASE_INSENSITIVE);

    private HypothesisParser() {
    }

    public static Optional<Rule> parse(String text) {
        if (text == null || text.isBlank()) return Optional.empty();
        String t = OutputClause.inputSide(text).strip();  // what a decoder label says the unit promotes is no rule on its input
        String tag = null;
        Matcher code = TAG_CODE.matcher(t);
        if (code.find()) tag = (code.group(1) != null ? code.group(1) : code.group(2)).toUpperCase(Locale.ROOT);
        if (tag == null) tag = BrownTags.findByName(t);
        Matcher after = AFTER.matcher(t);
        Set<String> before = new LinkedHashSet<>(), listed = new LinkedHashSet<>();
        int afterAt = after.find() ? after.end() : -1;
        Matcher q = QUOTED.matcher(t);
        int suchAs = t.toLowerCase(Locale.ROOT).indexOf("such as");
        while (q.find()) {
            if (suchAs >= 0 && q.start() > suchAs) break; // examples, not the hypothesis
            if (afterAt >= 0 && q.start() >= afterAt) before.add(q.group(1)); else listed.add(q.group(1));
        }
        if (!before.isEmpty()) {
            Rule prec = Rule.precededBy(before);
            return Optional.of(tag != null ? Rule.tag(tag).and(prec) : prec);
        }
        Matcher graded = GRADED.matcher(t);
        if (tag != null && graded.find()) {
            Set<String> strongest = new LinkedHashSet<>();
            Matcher g = QUOTED.matcher(t);
            while (g.find()) {
                if (suchAs >= 0 && g.start() > suchAs) break;
                if (g.start() >= graded.end()) strongest.add(g.group(1));
            }
            if (!strongest.isEmpty()) {
                Matcher level = LEVEL.matcher(t.substring(graded.end()));
                double l = level.find() ? Integer.parseInt(level.group(1)) / 100.0 : 0.5;
                return Optional.of(Rule.tag(tag).and(Rule.tokens(strongest)).graded(Math.max(0.1, Math.min(0.9, l))));
            }
        }
        if (tag != null) return Optional.of(Rule.tag(tag));
        if (!listed.isEmpty()) return Optional.of(Rule.tokens(listed));
        return Optional.empty();
    }
}

package lantern.explainer.explain;

import lantern.api.ActivationRecord;
import lantern.corpus.ChineseText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Chinese corpus's hypotheses ({@link ChineseHypotheses}) phrased in Chinese (traditional characters, as the Tang
 * texts are written) with the English beside it: "句末字（押韻位置），如「山」「流」" and "the last character of a line
 * (the rhyme position), such as '山', '流'".
 */
public final class ChinesePhrases {
    static final int EXAMPLES = 4;
    /** Between the Chinese and the English of one explanation text. */
    public static final String SEPARATOR = " / ";
    private static final String[] NUMERALS = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"};

    /** One phrase in both languages. */
    public record Phrase(String zh, String en) {
        /** The explanation text: Chinese, then English. */
        public String text() {
            return zh + SEPARATOR + en;
        }
    }

    private ChinesePhrases() {
    }

    static Phrase phrase(Rule rule, List<ActivationRecord> records) {
        List<String> ex = examples(rule, records);
        String zhEx = ex.isEmpty() ? "" : "，如" + zhList(ex);
        String enEx = ex.isEmpty() ? "" : ", such as " + enList(ex);
        Rule and = rule.and();
        if (isStructure(rule) && and != null && rule.level() != null) {
            Phrase place = place(rule);
            return new Phrase(place.zh() + "，以" + zhList(and.values()) + "最強（其他約" + pct(rule.level()) + "）",
                    place.en() + ", strongest on " + enList(and.values()) + " (others at about " + pct(rule.level()) + ")");
        }
        if (isStructure(rule) && and != null && isStructure(and)) {
            Rule ctx = isContext(rule) ? rule : and, where = ctx == rule ? and : rule;
            if (isContext(ctx) && !isContext(where)) {
                Phrase c = place(ctx), w = place(where);
                return new Phrase(c.zh() + "的" + w.zh() + zhEx, w.en() + " in " + c.en() + enEx);
            }
            Phrase a = place(rule), b = place(and);
            return new Phrase(a.zh() + "且為" + b.zh() + zhEx, a.en() + " that are also " + b.en() + enEx);
        }
        if (isStructure(rule) && and != null && and.kind() == Rule.Kind.TOKEN) {
            Phrase p = place(rule);
            return new Phrase(p.zh() + "中的" + zhList(and.values()), enList(and.values()) + " as " + p.en());
        }
        if (isStructure(rule)) {
            Phrase p = place(rule);
            return new Phrase(p.zh() + zhEx, p.en() + enEx);
        }
        if (rule.kind() == Rule.Kind.TOKEN) {
            return new Phrase(zhList(rule.values()) + "等字", "the characters " + enList(rule.values()));
        }
        if (rule.kind() == Rule.Kind.PRECEDED_BY) {
            return new Phrase("緊接在" + zhList(rule.values()) + "之後的字" + zhEx, "characters right after " + enList(rule.values()) + enEx);
        }
        // a rule of the English search (never chosen here): its English phrase stands for both
        String en = RulePhrases.phrase(rule, records);
        return new Phrase(en, en);
    }

    static boolean isStructure(Rule r) {
        return r.kind() == Rule.Kind.TAG && r.values().get(0).startsWith(ChineseText.PREDICATE_PREFIX);
    }

    /** Form and dynasty say which poems; the other predicates say where in a line. */
    private static boolean isContext(Rule r) {
        String p = predicate(r);
        return p.startsWith("FORM=") || p.startsWith("DYN=");
    }

    private static String predicate(Rule r) {
        return r.values().get(0).substring(ChineseText.PREDICATE_PREFIX.length()).toUpperCase(Locale.ROOT);
    }

    /** The place or kind of text a structure predicate names. */
    static Phrase place(Rule r) {
        String p = predicate(r);
        switch (p) {
            case "END":
                return new Phrase("句末字（押韻位置）", "the last character of a line (the rhyme position)");
            case "EVEN_END":
                return new Phrase("偶數句的句末字（韻腳）", "the last character of an even-numbered line (where the rhyme falls)");
            case "START":
                return new Phrase("句首字", "the first character of a line");
            case "PUNCT":
                return new Phrase("標點符號", "punctuation marks");
            default:
                break;
        }
        if (p.startsWith("FORM=")) return form(p.substring(5));
        if (p.startsWith("DYN=")) {
            String d = p.substring(4);
            return switch (d) {
                case "TANG" -> new Phrase("唐詩", "Tang poems");
                case "SONG" -> new Phrase("宋代詩詞", "Song poems");
                default -> new Phrase(d.toLowerCase(Locale.ROOT) + "文本", d.toLowerCase(Locale.ROOT) + " texts");
            };
        }
        int n = Integer.parseInt(p.substring(1));
        String zhN = n < NUMERALS.length ? NUMERALS[n] : Integer.toString(n);
        if (p.charAt(0) == 'P') return new Phrase("句中第" + zhN + "字", "the " + ordinal(n) + " character of a line");
        return new Phrase("第" + zhN + "句中的字", "characters of the " + ordinal(n) + " line");
    }

    private static Phrase form(String f) {
        return switch (f) {
            case "SHI5" -> new Phrase("五言詩", "five-character shi");
            case "SHI7" -> new Phrase("七言詩", "seven-character shi");
            case "SHI4" -> new Phrase("四言詩", "four-character shi");
            case "SHI" -> new Phrase("雜言詩", "shi of mixed line lengths");
            case "CI" -> new Phrase("詞", "ci (song lyrics)");
            case "PROSE" -> new Phrase("散文", "prose");
            default -> new Phrase(f.toLowerCase(Locale.ROOT), f.toLowerCase(Locale.ROOT));
        };
    }

    static String ordinal(int n) {
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static String pct(double level) {
        return Math.round(level * 100) + "%";
    }

    static String zhList(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) b.append('「').append(v).append('」');
        return b.toString();
    }

    static String enList(List<String> values) {
        List<String> q = new ArrayList<>();
        for (String v : values) q.add("'" + v + "'");
        return String.join(", ", q);
    }

    /** The distinct tokens where the rule fires, strongest activation first. */
    static List<String> examples(Rule rule, List<ActivationRecord> records) {
        record Hit(String token, float act) {
        }
        List<Hit> hits = new ArrayList<>();
        for (ActivationRecord r : records) {
            boolean[] f = rule.fires(r);
            for (int i = 0; i < f.length; i++) if (f[i] && r.activations()[i] > 0) hits.add(new Hit(r.tokens().get(i), r.activations()[i]));
        }
        hits.sort(Comparator.comparingDouble((Hit h) -> -h.act()));
        Set<String> out = new LinkedHashSet<>();
        for (Hit h : hits) {
            if (out.size() >= EXAMPLES) break;
            out.add(h.token());
        }
        return List.copyOf(out);
    }
}

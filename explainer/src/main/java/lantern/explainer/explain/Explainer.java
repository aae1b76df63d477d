package lantern.explainer.explain;

/** Writes one explanation from a split's explain set (and only from it: scoring windows stay unseen). */
public interface Explainer {
    String name();

    Explanation explain(RecordSplit split);
}

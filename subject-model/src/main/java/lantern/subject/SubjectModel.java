package lantern.subject;

/** A local model whose activations we read and change through named hooks. */
public interface SubjectModel extends AutoCloseable {
    ModelInfo info();

    TextTokenizer tokenizer();

    @Override
    void close();
}

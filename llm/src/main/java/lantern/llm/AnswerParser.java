package lantern.llm;

/** Turns a reply into a value, or rejects it: never guesses, never fills in defaults. */
@FunctionalInterface
public interface AnswerParser<T> {
    T parse(LlmReply reply) throws MalformedAnswerException;
}

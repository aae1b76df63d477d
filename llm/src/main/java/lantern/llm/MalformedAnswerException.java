package lantern.llm;

/** The LLM answered, but not in the shape asked for; the call is retried, then counted as failed. */
public class MalformedAnswerException extends Exception {
    public MalformedAnswerException(String message) {
        super(message);
    }
}

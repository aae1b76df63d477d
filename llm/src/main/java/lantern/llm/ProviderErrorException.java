package lantern.llm;

/**
 * The server answered HTTP 2xx, but with an {@code {"error": {...}}} body instead of a completion (OpenRouter does
 * this when the upstream fails after generation started). Keeps the provider's message and code.
 */
public class ProviderErrorException extends RuntimeException {
    private final String code;
    private final String providerMessage;

    public ProviderErrorException(int httpStatus, String code, String providerMessage) {
        super("HTTP " + httpStatus + " with an error body" + (code == null ? "" : " (code " + code + ")") + ": " + providerMessage);
        this.code = code;
        this.providerMessage = providerMessage;
    }

    public String code() {
        return code;
    }

    public String providerMessage() {
        return providerMessage;
    }

    /** Worth another try: no code, a rate limit, or a server-side (5xx) code. */
    public boolean retriable() {
        if (code == null) return true;
        try {
            int c = Integer.parseInt(code.trim());
            return c == 429 || c >= 500;
        } catch (NumberFormatException e) {
            return !code.toLowerCase(java.util.Locale.ROOT).contains("invalid");
        }
    }
}

package lantern.explainer.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.LogProb;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls the LLM with bounded concurrency and our own retries: 429 and 503 wait what {@code Retry-After} says
 * (capped), other 5xx, timeouts and malformed answers back off exponentially. A call that still fails comes back as
 * a failed {@link LlmResult}, so one bad call never loses the rest of a batch. Safe to share between threads.
 */
public final class LlmClient {
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);
    private static final Duration BASE_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private final ChatModel model;
    private final LlmSettings settings;
    private final Semaphore permits;

    public LlmClient(ChatModel model, LlmSettings settings) {
        this.model = model;
        this.settings = settings;
        this.permits = new Semaphore(settings.maxConcurrentCalls(), true);
    }

    public static LlmClient create(LlmSettings settings) {
        return new LlmClient(ChatModelFactory.create(settings), settings);
    }

    public LlmSettings settings() {
        return settings;
    }

    /** "llm:{model}" — how scores and explanations name this client. */
    public String label() {
        return "llm:" + settings.model();
    }

    public boolean supportsLogprobs() {
        return settings.provider() == LlmProvider.OPENAI;
    }

    public <T> LlmResult<T> call(LlmRequest request, AnswerParser<T> parser) {
        if (request.logprobs() && !supportsLogprobs()) {
            throw new IllegalArgumentException("provider " + settings.provider() + " returns no log-probabilities: use the llm-json simulator");
        }
        ChatRequest chat = chatRequest(request);
        int calls = 0, retries = 0;
        long in = 0, out = 0;
        String lastError = "no attempt";
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            if (attempt > 0) retries++;
            Duration wait = Duration.ZERO;
            calls++;
            try {
                ChatResponse response = callWithPermit(chat);
                TokenUsage u = response.tokenUsage();
                if (u != null) {
                    in += u.inputTokenCount() == null ? 0 : u.inputTokenCount();
                    out += u.outputTokenCount() == null ? 0 : u.outputTokenCount();
                }
                LlmReply reply = new LlmReply(response.aiMessage() == null ? "" : response.aiMessage().text(), logprobs(response));
                T value = parser.parse(reply);
                return LlmResult.ok(value, new LlmUsage(calls, 0, retries, in, out));
            } catch (MalformedAnswerException e) {
                lastError = "malformed answer: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return LlmResult.failed("interrupted", new LlmUsage(calls, 1, retries, in, out));
            } catch (RuntimeException e) {
                lastError = describe(e);
                if (!retriable(e)) break;
                wait = retryAfter(e).map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d).orElse(Duration.ZERO);
            }
            if (attempt < settings.maxRetries()) {
                try {
                    Thread.sleep(wait.isZero() ? backoff(attempt) : wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return LlmResult.failed("interrupted", new LlmUsage(calls, 1, retries, in, out));
                }
            }
        }
        return LlmResult.failed(lastError, new LlmUsage(calls, 1, retries, in, out));
    }

    /** The permit covers the HTTP call only, never a backoff sleep, so waiting calls do not block others. */
    private ChatResponse callWithPermit(ChatRequest chat) throws InterruptedException {
        permits.acquire();
        try {
            return model.chat(chat);
        } finally {
            permits.release();
        }
    }

    private ChatRequest chatRequest(LlmRequest r) {
        List<ChatMessage> messages = new ArrayList<>();
        if (r.system() != null && !r.system().isBlank()) messages.add(SystemMessage.from(r.system()));
        messages.add(UserMessage.from(r.user()));
        ResponseFormat format = r.schema() != null && settings.jsonSchema()
                ? ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(r.schema()).build() : null;
        ChatRequestParameters params;
        if (settings.provider() == LlmProvider.OPENAI) {
            OpenAiChatRequestParameters.Builder b = OpenAiChatRequestParameters.builder().responseFormat(format);
            if (r.logprobs()) b.logprobs(true).topLogprobs(settings.topLogprobs());
            params = b.build();
        } else {
            params = ChatRequestParameters.builder().responseFormat(format).build();
        }
        return ChatRequest.builder().messages(messages).parameters(params).build();
    }

    private static List<TokenLogprob> logprobs(ChatResponse response) {
        if (!(response.metadata() instanceof OpenAiChatResponseMetadata m) || m.logProbs() == null) return List.of();
        List<TokenLogprob> out = new ArrayList<>();
        for (LogProb p : m.logProbs()) {
            Map<String, Double> top = new LinkedHashMap<>();
            if (p.topLogprobs() != null) {
                for (LogProb t : p.topLogprobs()) {
                    if (t.token() != null && t.logprob() != null) top.merge(t.token(), t.logprob(), Math::max);
                }
            }
            out.add(new TokenLogprob(p.token(), p.logprob() == null ? Double.NaN : p.logprob(), top));
        }
        return out;
    }

    static boolean retriable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException || t instanceof InternalServerException || t instanceof TimeoutException
                    || t instanceof HttpTimeoutException || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
                return true;
            }
            if (t instanceof HttpException h && (h.statusCode() == 429 || h.statusCode() >= 500)) return true;
        }
        return false;
    }

    static Optional<Duration> retryAfter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RetryAfterHttpException r && r.retryAfter().isPresent()) return r.retryAfter();
        }
        return Optional.empty();
    }

    private static Duration backoff(int attempt) {
        long ms = BASE_BACKOFF.toMillis() << Math.min(attempt, 10);
        ms = Math.min(ms, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException h) {
                String body = h.getMessage() == null ? "" : h.getMessage();
                return "HTTP " + h.statusCode() + ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}

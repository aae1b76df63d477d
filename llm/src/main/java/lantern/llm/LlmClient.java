package lantern.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.LogProb;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

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
 * (capped, plus jitter), other 5xx, timeouts and malformed answers back off exponentially. A call that still fails
 * comes back as a failed {@link LlmResult} with a one-line reason, so one bad call never loses the rest of a batch.
 *
 * <p>Adapts to the server ({@link ServerCapabilities}, remembered per server): a rejected {@code response_format}
 * is tried once as json_object, then once without (the prompts ask for JSON anyway); a {@code top_logprobs} cap
 * ("max allowed: N") is retried once with N; a server that returns no log-probs is told once and not asked again.
 * A reasoning model's thinking is cut from the answer (and from its log-probs) before parsing. Thread-safe.
 */
public final class LlmClient {
    private static final System.Logger LOG = System.getLogger(LlmClient.class.getName());
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);
    private static final Duration BASE_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private final ChatModel model;
    private final LlmSettings settings;
    private final Semaphore permits;
    private final ServerCapabilities caps;

    public LlmClient(ChatModel model, LlmSettings settings) {
        this(model, settings, ServerCapabilities.of(settings));
    }

    /** With its own record of the server's capabilities (a probe that must not trust what was learned before). */
    LlmClient(ChatModel model, LlmSettings settings, ServerCapabilities caps) {
        this.model = model;
        this.settings = settings;
        this.permits = new Semaphore(settings.maxConcurrentCalls(), true);
        this.caps = caps;
    }

    public static LlmClient create(LlmSettings settings) {
        return new LlmClient(ChatModelFactory.create(settings), settings);
    }

    public LlmSettings settings() {
        return settings;
    }

    /** What this client's server turned out to accept so far (shared by every client of the same server). */
    public ServerCapabilities capabilities() {
        return caps;
    }

    /** "llm:{model}" — how scores and explanations name this client. */
    public String label() {
        return "llm:" + settings.model();
    }

    /** The provider's API has log-probs at all (OpenAI-compatible); whether this server returns them: {@link #capabilities()}. */
    public boolean supportsLogprobs() {
        return settings.provider() == LlmProvider.OPENAI;
    }

    /** The response format a schema request goes out with now (json_schema until the server rejected it). */
    public ResponseFormatMode responseFormat() {
        return settings.jsonSchema() ? caps.format() : ResponseFormatMode.NONE;
    }

    public <T> LlmResult<T> call(LlmRequest request, AnswerParser<T> parser) {
        if (request.logprobs() && !supportsLogprobs()) {
            throw new IllegalArgumentException("provider " + settings.provider() + " returns no log-probabilities: use the llm-json simulator");
        }
        if (!unknownFor(request)) return attempt(request, parser);
        // the first call finds out what the server accepts; concurrent calls wait for it instead of each paying
        try {
            caps.discovery.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LlmResult.failed("interrupted", LlmUsage.NONE);
        }
        try {
            return attempt(request, parser);
        } finally {
            caps.discovery.unlock();
        }
    }

    /** Something this request depends on is not known yet: the response format, or whether log-probs come back. */
    private boolean unknownFor(LlmRequest request) {
        return (request.schema() != null && settings.jsonSchema() && caps.learnedFormat().isEmpty())
                || (request.logprobs() && caps.logprobs() == null);
    }

    private <T> LlmResult<T> attempt(LlmRequest request, AnswerParser<T> parser) {
        if (request.logprobs() && Boolean.FALSE.equals(caps.logprobs())) {
            return LlmResult.failed(caps.noLogprobsReason(), LlmUsage.NONE);
        }
        int calls = 0, retries = 0, noUsage = 0, attempt = 0;
        long in = 0, out = 0;
        String lastError = "no attempt";
        ResponseFormatMode mode = request.schema() == null ? ResponseFormatMode.NONE : responseFormat();
        boolean capRetried = false;
        LlmErrors.Http formatError = null;
        while (true) {
            int top = Math.min(settings.topLogprobs(), caps.topLogprobsCap().orElse(Integer.MAX_VALUE));
            Duration wait = Duration.ZERO;
            calls++;
            try {
                ChatResponse response = callWithPermit(chatRequest(request, mode, top));
                caps.sawAnswer();
                if (request.schema() != null && settings.jsonSchema()) caps.formatWorked(mode);
                TokenUsage u = response.tokenUsage();
                if (u == null || (u.inputTokenCount() == null && u.outputTokenCount() == null)) {
                    noUsage++;
                } else {
                    in += u.inputTokenCount() == null ? 0 : u.inputTokenCount();
                    out += u.outputTokenCount() == null ? 0 : u.outputTokenCount();
                }
                AiMessage ai = response.aiMessage();
                String raw = ai == null || ai.text() == null ? "" : ai.text();
                String text = ReasoningText.answer(raw);
                if ((ai != null && ai.thinking() != null && !ai.thinking().isBlank()) || !text.equals(raw)) caps.sawReasoning();
                boolean cut = response.finishReason() == FinishReason.LENGTH;
                if (text.isBlank() && cut) {
                    lastError = "empty answer: the model stopped at its token limit (finish_reason length) before answering; "
                            + "a reasoning model spent it thinking: raise lantern.llm.max-tokens (now "
                            + (settings.maxTokens() == null ? "the server's default" : settings.maxTokens()) + ")";
                    break;
                }
                if (text.isBlank()) throw new MalformedAnswerException("empty answer" + (ai == null ? " (no choices)" : ""));
                List<TokenLogprob> lps = logprobs(response);
                if (request.logprobs()) {
                    if (lps.isEmpty()) {
                        String why = "the server returned no log-probs (it accepts the logprobs parameter but ignores it, "
                                + "as LM Studio and most OpenRouter routes do): use --simulator llm-json, or set lantern.llm.logprob-fallback=true";
                        if (caps.noLogprobs(why)) LOG.log(System.Logger.Level.WARNING, settings.baseUrl() + ": " + why);
                        lastError = why;
                        break;
                    }
                    caps.logprobsWorked();
                    lps = answerLogprobs(lps, text);
                }
                try {
                    T value = parser.parse(new LlmReply(text, lps, response.modelName()));
                    return LlmResult.ok(value, new LlmUsage(calls, 0, retries, in, out, noUsage));
                } catch (MalformedAnswerException e) {
                    if (cut) {
                        lastError = "malformed answer: " + LlmErrors.oneLine(e.getMessage()) + " (the answer was cut at its token limit, finish_reason length: raise lantern.llm.max-tokens)";
                        break;
                    }
                    throw e;
                }
            } catch (MalformedAnswerException e) {
                lastError = "malformed answer: " + LlmErrors.oneLine(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return LlmResult.failed("interrupted", new LlmUsage(calls, 1, retries, in, out, noUsage));
            } catch (RuntimeException e) {
                lastError = LlmErrors.describe(e);
                Optional<LlmErrors.Http> h = LlmErrors.http(e);
                if (h.isPresent() || LlmErrors.providerError(e).isPresent()) caps.sawAnswer();
                if (h.isPresent()) {
                    // capability errors: each retried once, with the weaker setting, outside the retry budget
                    Optional<Integer> cap = request.logprobs() ? LlmErrors.topLogprobsCap(h.get()) : Optional.empty();
                    if (cap.isPresent() && cap.get() >= 1 && cap.get() < top && !capRetried) {
                        capRetried = true;
                        caps.capTopLogprobs(cap.get());
                        continue;
                    }
                    if (mode != ResponseFormatMode.NONE && LlmErrors.mayRejectFormat(h.get())
                            && (formatError == null || !h.get().body().equals(formatError.body()) || LlmErrors.namesFormat(h.get()))) {
                        formatError = h.get();
                        caps.formatRejected(mode, lastError);
                        mode = mode.weaker();
                        continue;
                    }
                    if (request.logprobs() && (h.get().status() == 400 || h.get().status() == 422) && LlmErrors.mentionsLogprobs(h.get())) {
                        String why = "the server refuses log-probs: " + lastError + " (use --simulator llm-json)";
                        if (caps.noLogprobs(why)) LOG.log(System.Logger.Level.WARNING, settings.baseUrl() + ": " + why);
                        lastError = why;
                        break;
                    }
                }
                if (!LlmErrors.retriable(e)) break;
                wait = LlmErrors.retryAfter(e).map(LlmClient::jitter).orElse(Duration.ZERO);
            }
            if (attempt >= settings.maxRetries()) break;
            attempt++;
            retries++;
            try {
                Thread.sleep(wait.isZero() ? backoff(attempt - 1) : wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return LlmResult.failed("interrupted", new LlmUsage(calls, 1, retries, in, out, noUsage));
            }
        }
        return LlmResult.failed(lastError, new LlmUsage(calls, 1, retries, in, out, noUsage));
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

    private ChatRequest chatRequest(LlmRequest r, ResponseFormatMode mode, int topLogprobs) {
        List<ChatMessage> messages = new ArrayList<>();
        if (r.system() != null && !r.system().isBlank()) messages.add(SystemMessage.from(r.system()));
        messages.add(UserMessage.from(r.user()));
        ResponseFormat format = switch (mode) {
            case JSON_SCHEMA -> ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(r.schema()).build();
            case JSON_OBJECT -> ResponseFormat.JSON;
            case NONE -> null;
        };
        ChatRequestParameters params;
        if (settings.provider() == LlmProvider.OPENAI) {
            OpenAiChatRequestParameters.Builder b = OpenAiChatRequestParameters.builder().responseFormat(format)
                    .maxOutputTokens(settings.maxTokens());
            if (r.logprobs()) b.logprobs(true).topLogprobs(topLogprobs);
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
            out.add(new TokenLogprob(p.token() == null ? "" : p.token(), p.logprob() == null ? Double.NaN : p.logprob(), top));
        }
        return out;
    }

    /**
     * The log-probs of the answer alone: leading tokens (a reasoning model's thinking, which vLLM includes in the
     * log-probs even when it moves the text to {@code reasoning_content}) are skipped up to where the tokens' text
     * spells the answer. Tokens that never spell it are returned as they are, for the parser to reject.
     */
    static List<TokenLogprob> answerLogprobs(List<TokenLogprob> tokens, String answer) {
        StringBuilder all = new StringBuilder();
        int[] ends = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            all.append(tokens.get(i).token());
            ends[i] = all.length();
        }
        String target = answer.strip();
        int at = target.isEmpty() ? -1 : all.lastIndexOf(target);
        if (at <= 0) return tokens;
        int first = 0;
        while (first < tokens.size() && ends[first] <= at) first++;
        return tokens.subList(first, tokens.size());
    }

    /** The server's wait (capped) plus up to 10 % (at least 100 ms) so clients told the same time do not return together. */
    static Duration jitter(Duration retryAfter) {
        Duration d = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        long extra = Math.max(100, d.toMillis() / 10);
        return d.plusMillis(ThreadLocalRandom.current().nextLong(extra + 1));
    }

    private static Duration backoff(int attempt) {
        long ms = BASE_BACKOFF.toMillis() << Math.min(attempt, 10);
        ms = Math.min(ms, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }
}

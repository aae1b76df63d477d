package lantern.service;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import lantern.errors.BusyException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place exceptions become RFC 9457 problem JSON. Our domain exceptions ({@link lantern.errors.DomainException}: invalid input,
 * not found, conflict, too large, busy, unavailable) answer the status {@link #statusOf} gives them and their message;
 * JSON that does not bind to the request record is a 400; anything else is ours: a 500 whose body carries an error
 * id that the logged stack trace carries too, and never the caller's fault.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final MediaType PROBLEM = new MediaType("application", "problem+json");

    static Response problem(int status, String title, String detail) {
        return Response.status(status).type(PROBLEM).entity(Problem.of(status, title, detail)).build();
    }

    /** The HTTP status and title of each of our domain exceptions: the one place they meet HTTP. */
    record Status(int code, String title) {
    }

    /** The status of a domain exception, or null for any other (a bug: a 500). */
    static Status statusOf(Throwable e) {
        return switch (e) {
            case lantern.errors.InvalidInputException x -> new Status(400, "Bad request");
            case lantern.errors.NotFoundException x -> new Status(404, "Not found");
            case lantern.errors.ConflictException x -> new Status(409, "Conflict");
            case lantern.errors.TooLargeException x -> new Status(413, "Payload too large");
            case BusyException x -> new Status(429, "Too many requests");
            case lantern.errors.UnavailableException x -> new Status(503, "Service unavailable");
            default -> null;
        };
    }

    /** Maps an exception to its problem response (also used by filters that see exceptions outside JAX-RS). */
    public static Response toResponse(Throwable e) {
        Status status = statusOf(e);
        if (status != null) {
            Response.ResponseBuilder r = Response.status(status.code()).type(PROBLEM)
                    .entity(Problem.of(status.code(), status.title(), e.getMessage()));
            if (e instanceof BusyException t) r.header("Retry-After", t.retryAfterSeconds());
            return r.build();
        }
        if (e instanceof JsonProcessingException j) {
            Throwable typed = typedCause(j);
            if (typed != null) return toResponse(typed);
            return problem(400, "Malformed JSON", bindingMessage(j));
        }
        if (e instanceof WebApplicationException w) {
            if (w.getCause() instanceof JsonProcessingException j) return toResponse(j);
            int code = w.getResponse().getStatus();
            if (code == 500) return internal(e);
            return problem(code, w.getResponse().getStatusInfo().getReasonPhrase(), w.getMessage());
        }
        return internal(e);
    }

    /** What is wrong with a body, by field: unknown fields with the known ones, wrong types with the expected one. */
    static String bindingMessage(JsonProcessingException j) {
        if (j instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return "unknown field in request body: " + u.getPropertyName() + " (known: " + String.join(", ", known) + ")";
        }
        if (j instanceof MismatchedInputException m && m.getTargetType() != null && m.getPath().isEmpty()) {
            return "request body must be " + describe(m.getTargetType());
        }
        if (j instanceof MismatchedInputException m && m.getTargetType() != null) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return field + " must be " + describe(m.getTargetType());
        }
        return j.getOriginalMessage();
    }

    private static String describe(Class<?> t) {
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "an integer";
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) return "a number";
        if (t == String.class) return "a string";
        if (t.isArray() || java.util.Collection.class.isAssignableFrom(t)) return "an array";
        if (t.isRecord() || java.util.Map.class.isAssignableFrom(t)) return "a JSON object";
        return "a " + t.getSimpleName();
    }

    private static Throwable typedCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (statusOf(t) != null) return t;
        }
        return null;
    }

    private static Response internal(Throwable e) {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        LOG.errorf(e, "internal error %s", id);
        return Response.status(500).type(PROBLEM).entity(new Problem("about:blank", "Internal error", 500,
                "an internal error occurred (error id " + id + ", also in the service log); it is not caused by the request",
                "urn:lantern:error:" + id)).build();
    }

    /** The LLM server failed (after retries, with its own message): a bad gateway, not our bug and not the caller's. */
    @ServerExceptionMapper
    public Response llmFailed(lantern.explainer.explain.LlmCallFailedException e) {
        return problem(502, "LLM call failed", e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return toResponse(e);
    }

    // Quarkus has its own mappers for these; ours answer problem JSON like every other error
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response any(Exception e) {
        return toResponse(e);
    }
}
